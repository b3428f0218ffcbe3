# Every external library comes through pkg-config; a missing one stops
# configuration with the Debian package that provides it, so a fresh machine
# knows what to install (scripts/setup.sh installs all of them).
find_package(PkgConfig)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

function(cvm_require_pkg prefix module debian_pkg)
  pkg_check_modules(${prefix} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${prefix}_FOUND)
    message(FATAL_ERROR "missing dependency ${module}: apt-get install ${debian_pkg}")
  endif()
endfunction()

cvm_require_pkg(SELINUX  libselinux   libselinux1-dev)
cvm_require_pkg(SECCOMP  libseccomp   libseccomp-dev)
cvm_require_pkg(CRYPTO   libcrypto    libssl-dev)
cvm_require_pkg(JSONC    json-c       libjson-c-dev)
cvm_require_pkg(TSS_ESYS tss2-esys    libtss2-dev)
cvm_require_pkg(TSS_MU   tss2-mu      libtss2-dev)
cvm_require_pkg(TSS_RC   tss2-rc      libtss2-dev)
cvm_require_pkg(TSS_TCTI tss2-tctildr libtss2-dev)
if(CVM_TESTS)
  cvm_require_pkg(CMOCKA cmocka libcmocka-dev)
endif()
