# rnnc_embed(OUTVAR VAR files...): a build rule that regenerates ${VAR}.c when a file changes.
function(rnnc_embed outvar var)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${var}.c")
  string(REPLACE ";" "\\;" files_arg "${ARGN}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} "-DOUT=${out}" "-DVAR=${var}" "-DROOT=${PROJECT_SOURCE_DIR}"
            "-DFILES=${files_arg}" -P "${PROJECT_SOURCE_DIR}/cmake/embed.cmake"
    DEPENDS ${ARGN} "${PROJECT_SOURCE_DIR}/cmake/embed.cmake"
    COMMENT "Embedding ${var}"
    VERBATIM)
  set(${outvar} "${out}" PARENT_SCOPE)
endfunction()
