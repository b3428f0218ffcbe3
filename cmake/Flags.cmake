# Warnings are errors and the hardening flags are not optional: a compiler that
# lacks one fails configuration instead of silently building a weaker binary.
include(CheckCCompilerFlag)

set(CVM_WARN -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wformat=2 -Wformat-security -Wundef -Wpointer-arith -Wvla -Wnull-dereference
    -Wno-unused-parameter)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
  # snprintf into fixed message buffers truncates on purpose; paths that must
  # not be truncated are length-checked where they are built.
  list(APPEND CVM_WARN -Wno-format-truncation)
endif()
set(CVM_HARDEN -fstack-protector-strong -fstack-clash-protection -fcf-protection=full
    -fPIE -fno-strict-overflow -fno-delete-null-pointer-checks)
if(NOT CVM_SANITIZE)
  # FORTIFY needs optimisation and conflicts with ASan's interceptors.
  list(APPEND CVM_HARDEN -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2)
endif()
foreach(flag IN LISTS CVM_HARDEN)
  string(MAKE_C_IDENTIFIER "HAVE${flag}" var)
  check_c_compiler_flag("${flag}" ${var})
  if(NOT ${var} AND NOT flag MATCHES "^-[UD]")
    message(FATAL_ERROR "compiler lacks required hardening flag ${flag}")
  endif()
endforeach()
add_compile_options(${CVM_WARN} ${CVM_HARDEN})
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
add_link_options(-pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)
set(CMAKE_C_VISIBILITY_PRESET hidden)

if(CVM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

if(CVM_FUZZ)
  # Instrument every library for coverage so libFuzzer sees inside the
  # parsers, not only the few lines of each fuzz_*.c (which add
  # -fsanitize=fuzzer themselves, see tests/fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
