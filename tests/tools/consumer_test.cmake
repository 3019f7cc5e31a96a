# Configure, build and run examples/consumer against robstat.
#   MODE=find_package     install robstat into WORK_DIR/prefix, then find_package it
#   MODE=add_subdirectory the consumer pulls in the robstat source tree
# Run with cmake -P; every step must succeed.
file(REMOVE_RECURSE "${WORK_DIR}")
function(run)
  execute_process(
    COMMAND ${ARGN}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "${out}")
endfunction()

set(consumer_args
    -S "${ROBSTAT_SOURCE_DIR}/examples/consumer" -B "${WORK_DIR}/build"
    -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER} -DCMAKE_BUILD_TYPE=Release
    -DROBSTAT_README=${ROBSTAT_SOURCE_DIR}/README.md)
if(MODE STREQUAL "find_package")
  run(${CMAKE_COMMAND} --install "${ROBSTAT_BINARY_DIR}" --prefix "${WORK_DIR}/prefix")
  run(${CMAKE_COMMAND} ${consumer_args} -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix)
else()
  run(${CMAKE_COMMAND} ${consumer_args} -DROBSTAT_SOURCE_DIR=${ROBSTAT_SOURCE_DIR})
endif()
run(${CMAKE_COMMAND} --build "${WORK_DIR}/build")
run("${WORK_DIR}/build/consumer")
run("${WORK_DIR}/build/readme_example")
if(EXISTS "${WORK_DIR}/build/fit_consumer") # robstat::fit (Eigen found)
  run("${WORK_DIR}/build/fit_consumer")
endif()
