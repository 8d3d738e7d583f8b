# credence_module(NAME DEPS dep... PRIVATE_DEPS dep...)
# One static library per folder under src/. Sources are every *.cc in the folder (and its
# backend subfolders) that is not a *_test.cc or *_benchmark.cc; each *_test.cc beside them
# becomes part of the module's test binary, registered with ctest.
function(credence_module name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS;TEST_DEPS" ${ARGN})
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(lib_sources "")
  set(test_sources "")
  foreach(src IN LISTS all_sources)
    if(src MATCHES "_test\\.cc$")
      list(APPEND test_sources ${src})
    elseif(NOT src MATCHES "_benchmark\\.cc$")
      list(APPEND lib_sources ${src})
    endif()
  endforeach()
  if(NOT lib_sources)
    # A module whose implementation is not written yet still links (its contract is a header).
    set(placeholder ${CMAKE_CURRENT_BINARY_DIR}/${name}_placeholder.cc)
    file(WRITE ${placeholder} "// ${name}: header-only so far\n")
    set(lib_sources ${placeholder})
  endif()
  add_library(credence_${name} STATIC ${lib_sources})
  target_include_directories(credence_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(credence_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  if(CREDENCE_BUILD_TESTS AND test_sources)
    add_executable(${name}_test ${test_sources})
    target_link_libraries(${name}_test PRIVATE credence_${name} ${ARG_TEST_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
    target_compile_definitions(${name}_test PRIVATE
      CREDENCE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
      CREDENCE_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
    gtest_discover_tests(${name}_test TEST_PREFIX "${name}." DISCOVERY_TIMEOUT 60
      PROPERTIES ENVIRONMENT "CREDENCE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  endif()
endfunction()
