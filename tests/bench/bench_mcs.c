/* MCS pair allocation costs: the /proc scan every allocation does, and the
 * pick on an empty, a busy and a nearly full table.
 *   bench_mcs [SECONDS]   (default 1 per figure) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mcs.h"
#include "mcs_random.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A table of @n distinct pairs in [min, max], in lexicographic order. */
static struct cvm_mcs_pair *table(unsigned min, unsigned max, size_t n)
{
	struct cvm_mcs_pair *v = calloc(n ? n : 1, sizeof(*v));
	size_t k = 0;

	for (unsigned lo = min; lo < max && k < n; lo++)
		for (unsigned hi = lo + 1; hi <= max && k < n; hi++)
			v[k++] = (struct cvm_mcs_pair){lo, hi};
	return v;
}

static void bench_pick(const char *what, unsigned min, unsigned max, size_t n_used, double secs)
{
	struct cvm_mcs_pair *used = table(min, max, n_used), p;
	cvm_err err = {0};
	long n = 0;
	double t0 = now(), t;

	do {
		for (int i = 0; i < 100; i++, n++)
			if (cvm_mcs_pick(min, max, used, n_used, cvm_mcs_random, NULL, &p, &err) < 0) {
				fprintf(stderr, "%s\n", err.msg);
				exit(1);
			}
		t = now() - t0;
	} while (t < secs);
	printf("pick %-44s %10.1f us/pick\n", what, t / (double)n * 1e6);
	free(used);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	struct cvm_mcs_pair *v = NULL;
	size_t np = 0;
	cvm_err err = {0};
	long n = 0;
	double t0 = now(), t;
	unsigned procs = 0;

	do {
		if (cvm_mcs_scan_processes("/proc", &v, &np, &err) < 0) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
		free(v);
		n++;
		t = now() - t0;
	} while (t < secs);
	FILE *f = popen("ls -d /proc/[0-9]* 2>/dev/null | wc -l", "r");
	if (f) {
		if (fscanf(f, "%u", &procs) != 1)
			procs = 0;
		pclose(f);
	}
	printf("scan /proc (%u processes, threads included)   %10.1f us/scan\n", procs, t / (double)n * 1e6);
	bench_pick("c0.c1023, none used", 0, 1023, 0, secs);
	bench_pick("c0.c1023, 10000 used", 0, 1023, 10000, secs);
	bench_pick("c0.c1023, 520000 of 523776 used", 0, 1023, 520000, secs);
	bench_pick("c0.c99, 4949 of 4950 used (last pair)", 0, 99, 4949, secs);
	return 0;
}
