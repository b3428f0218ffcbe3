# cvm_module(NAME DIR LIBS...): a static library from every *.c directly in
# DIR (sources are globbed so parallel work on one module never edits a
# shared list). Public headers live beside the sources and carry the module
# prefix in their file name (snp_report.h, mcs.h, ...).
function(cvm_module name dir)
  file(GLOB srcs CONFIGURE_DEPENDS "${dir}/*.c")
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${dir})
    target_link_libraries(${name} PUBLIC ${ARGN})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${dir})
    target_link_libraries(${name} INTERFACE ${ARGN})
  endif()
endfunction()

# cvm_cli(BIN DIR LIBS...): a binary from every *.c in DIR (main.c plus one
# file per subcommand).
function(cvm_cli bin dir)
  file(GLOB srcs CONFIGURE_DEPENDS "${dir}/*.c")
  add_executable(${bin} ${srcs})
  target_include_directories(${bin} PRIVATE ${dir})
  target_link_libraries(${bin} PRIVATE ${ARGN})
  install(TARGETS ${bin} RUNTIME DESTINATION bin)
endfunction()
