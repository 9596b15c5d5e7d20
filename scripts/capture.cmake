# Runs PROGRAM with ARGS (one string, split like a shell command line without
# quotes) and writes its standard output to OUTPUT; INPUT, if given, is its
# standard input. Fails the build if the program fails. For build steps that
# need a redirection, which add_custom_command cannot express portably:
#   cmake -DPROGRAM=gzip "-DARGS=-9nc" -DINPUT=docs/folio.1 -DOUTPUT=folio.1.gz -P capture.cmake
separate_arguments(args UNIX_COMMAND "${ARGS}")
set(input_args)
if(DEFINED INPUT AND NOT INPUT STREQUAL "")
  set(input_args INPUT_FILE "${INPUT}")
endif()
execute_process(COMMAND "${PROGRAM}" ${args} ${input_args}
  OUTPUT_FILE "${OUTPUT}.tmp" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(REMOVE "${OUTPUT}.tmp")
  message(FATAL_ERROR "${PROGRAM} ${ARGS} failed (${rc})")
endif()
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
