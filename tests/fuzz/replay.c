/* Replay driver for fuzz targets in builds without libFuzzer: feeds every
 * file of the given folders (or files) to LLVMFuzzerTestOneInput once, so the
 * normal and sanitizer test runs exercise each parser on its seed corpus. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cvm_cleanup.h"
#include "cvm_fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	cvm_autofree uint8_t *buf = NULL;
	size_t len = 0;
	cvm_err err = { 0 };

	if (cvm_read_file(path, 64u << 20, &buf, &len, &err) < 0) {
		cvm_err_print(&err, "replay");
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	return 0;
}

static int replay_path(const char *path, int *count)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char sub[4096];
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (replay_path(sub, count) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int count = 0;

	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) < 0)
			return 1;
	if (count == 0) {
		fprintf(stderr, "replay: no seed inputs found\n");
		return 1;
	}
	printf("replayed %d inputs\n", count);
	return 0;
}
