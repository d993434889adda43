# SPDX-License-Identifier: Apache-2.0
# Fails when a source folder includes from a folder it may not depend on.
#
#   cmake -DSOURCE_DIR=<tree> -P cmake/check_layers.cmake
#
# Each folder lists the folders below it that it may include from; a folder's
# own sub-folders (storage/evidence/, cli/report/, ...) count as itself. Tests,
# benchmarks and fuzz targets sit on top and may include anything. A new folder
# must be added here, or the check fails and says so: the layering is a choice
# someone makes, never an accident. docs/architecture.md draws the same graph.

cmake_minimum_required(VERSION 3.25)

set(slawatch_layers text sla config net probes storage alerts daemon cli tools)
set(allowed_text "")
set(allowed_sla "")
set(allowed_config sla text)
set(allowed_net config sla text)
set(allowed_probes net config sla text)
set(allowed_storage config sla text)
set(allowed_alerts storage net config sla text)
set(allowed_daemon alerts storage probes net config sla text)
set(allowed_cli daemon alerts storage probes net config sla text)
set(allowed_tools probes net config sla text)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers: pass -DSOURCE_DIR=<source tree>")
endif()

set(violations "")
foreach(layer IN LISTS slawatch_layers)
  if(NOT IS_DIRECTORY "${SOURCE_DIR}/${layer}")
    continue()
  endif()
  file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}"
       "${SOURCE_DIR}/${layer}/*.hpp" "${SOURCE_DIR}/${layer}/*.cpp")
  foreach(source IN LISTS sources)
    file(STRINGS "${SOURCE_DIR}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[^\"/]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([^\"/]+)/.*" "\\1" target "${line}")
      # Only folders of this tree are layered; anything else is not ours.
      if(target STREQUAL layer OR target IN_LIST allowed_${layer} OR NOT target IN_LIST slawatch_layers)
        continue()
      endif()
      list(JOIN allowed_${layer} " " allowed)
      string(APPEND violations "  ${source}: ${line} (${layer}/ may include only: ${layer} ${allowed})\n")
    endforeach()
  endforeach()
endforeach()

file(GLOB top_folders LIST_DIRECTORIES true RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*")
foreach(folder IN LISTS top_folders)
  if(IS_DIRECTORY "${SOURCE_DIR}/${folder}" AND NOT folder IN_LIST slawatch_layers)
    file(GLOB_RECURSE code "${SOURCE_DIR}/${folder}/*.cpp")
    set(known_top tests bench fuzz build cmake)
    if(code AND NOT folder IN_LIST known_top AND NOT folder MATCHES "^build")
      string(APPEND violations "  ${folder}/: a folder with C++ sources that cmake/check_layers.cmake does not place\n")
    endif()
  endif()
endforeach()

if(violations)
  message(FATAL_ERROR "check_layers: includes against the layering (docs/architecture.md, \"Layers\"):\n${violations}")
endif()
