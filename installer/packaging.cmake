# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: a .deb first. The shlibs scan finds the shared libraries the binaries link, but
# not the two that are loaded at run time: Qt's SQLite driver plugin and the threaded
# OpenBLAS that LibTorch needs to run at speed (without it, a reference BLAS 15-25x
# slower is used). They are named by hand.
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper-workbench.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper-workbench-mime.xml
        DESTINATION share/mime/packages RENAME hyper-workbench.xml)
# Data, not a program: run as "python3 /usr/share/hyper-workbench/score_rm.py" (python3
# and numpy are recommended, not required).
install(FILES ${CMAKE_SOURCE_DIR}/scripts/score_rm.py DESTINATION share/hyper-workbench)
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper.bash-completion
        DESTINATION share/bash-completion/completions RENAME hyper)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/hyper.svg
        DESTINATION share/icons/hicolor/scalable/apps RENAME hyper-workbench.svg)
# The icon at the hicolor PNG sizes too (some menus and docks use no SVG), rendered from
# the SVG at build time by Qt's own renderer.
if(HYPER_BUILD_GUI)
  add_executable(render_icons ${CMAKE_SOURCE_DIR}/installer/render_icons.cpp)
  target_link_libraries(render_icons PRIVATE hyper_options Qt6::Gui Qt6::Svg)
  set(HYPER_ICON_SIZES 16 24 32 48 64 128 256)
  set(HYPER_ICON_PNGS)
  foreach(size ${HYPER_ICON_SIZES})
    list(APPEND HYPER_ICON_PNGS ${CMAKE_BINARY_DIR}/icons/${size}x${size}/hyper-workbench.png)
    install(FILES ${CMAKE_BINARY_DIR}/icons/${size}x${size}/hyper-workbench.png
            DESTINATION share/icons/hicolor/${size}x${size}/apps)
  endforeach()
  add_custom_command(OUTPUT ${HYPER_ICON_PNGS}
    COMMAND render_icons ${CMAKE_SOURCE_DIR}/resources/icons/hyper.svg ${CMAKE_BINARY_DIR}/icons ${HYPER_ICON_SIZES}
    DEPENDS render_icons ${CMAKE_SOURCE_DIR}/resources/icons/hyper.svg
    COMMENT "Icons at the hicolor PNG sizes"
    VERBATIM)
  add_custom_target(icons ALL DEPENDS ${HYPER_ICON_PNGS})
endif()

# Man pages from the programs' own --help (help2man, installed by scripts/install-deps.sh),
# made with the programs; without help2man the package has none.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(HYPER_MAN_PROGRAMS "hyper|command line of HyPER Workbench: import, route, label, train, export"
                         "hyper-train|trains one reward model from a bundle or a Slurm job task (LibTorch)")
  if(HYPER_BUILD_GUI)
    list(APPEND HYPER_MAN_PROGRAMS "hyper-workbench|desktop workbench for hybrid human + LM preference datasets")
  endif()
  set(HYPER_MAN_PAGES)
  foreach(entry ${HYPER_MAN_PROGRAMS})
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 prog)
    list(GET parts 1 what)
    set(page ${CMAKE_BINARY_DIR}/man/${prog}.1)
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
      COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
              ${HELP2MAN} --no-info --version-string=${PROJECT_VERSION} --name=${what} --output=${page}
              $<TARGET_FILE:${prog}>
      COMMAND gzip -9nf ${page}
      DEPENDS ${prog}
      COMMENT "Man page ${prog}.1"
      VERBATIM)
    list(APPEND HYPER_MAN_PAGES ${page}.gz)
  endforeach()
  add_custom_target(man ALL DEPENDS ${HYPER_MAN_PAGES})
  install(FILES ${HYPER_MAN_PAGES} DESTINATION share/man/man1)
endif()

# The package's documents: the machine-readable (DEP-5) copyright file and the changelog,
# gzipped with -9n as Debian asks (no time stamp, so the same bytes every build).
set(HYPER_DOC_DIR share/doc/hyper-workbench)
install(FILES ${CMAKE_SOURCE_DIR}/installer/copyright DESTINATION ${HYPER_DOC_DIR})
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/changelog.gz
  COMMAND sh -c "gzip -9nc '${CMAKE_SOURCE_DIR}/installer/changelog' > '${CMAKE_BINARY_DIR}/changelog.gz'"
  DEPENDS ${CMAKE_SOURCE_DIR}/installer/changelog
  VERBATIM)
add_custom_target(changelog ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.gz)
install(FILES ${CMAKE_BINARY_DIR}/changelog.gz DESTINATION ${HYPER_DOC_DIR})

# The package version: the project's, plus the commit it was built from when this is a git
# checkout (0.1.0+git20261204.a0978c7: ordered by date, traceable by hash).
set(HYPER_PACKAGE_VERSION ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${CMAKE_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} log -1 --format=%cd.%h --date=format:%Y%m%d
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE HYPER_GIT_VERSION
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE HYPER_GIT_RESULT)
  if(HYPER_GIT_RESULT EQUAL 0 AND HYPER_GIT_VERSION)
    set(HYPER_PACKAGE_VERSION ${PROJECT_VERSION}+git${HYPER_GIT_VERSION})
  endif()
endif()
set(CPACK_PACKAGE_VERSION ${HYPER_PACKAGE_VERSION})

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hyper-workbench)
set(CPACK_PACKAGE_VENDOR "HyPER Workbench")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Hybrid human + LM preference datasets: import, route, label, train, export")
# The maintainers' identity that this repository's commits carry (localhost was refused by
# lintian as a bogus mail host).
set(CPACK_PACKAGE_CONTACT "Seed 079feca3 maintainers <maintainers@users.noreply.r-seed-079feca3.example>")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libqt6svg6: the SVG image plugin the GUI's icons load (issue 18).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6, libopenblas0-pthread")
# scripts/score_rm.py needs numpy only; cluster jobs need Slurm's client commands.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-numpy")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "slurm-client")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# The extended description (CPack indents it and marks blank lines as Debian wants).
set(CPACK_PACKAGE_DESCRIPTION "HyPER Workbench builds preference datasets for reward models from a
mix of human and LM-judge labels. It imports MultiPref and the usual public
formats into a local project, computes instance features, routes to annotators
the instances that gain most from a human label under a budget (a performance
prediction model and the HyPER routing strategies), lets annotators label them
quickly, fills the rest with LM labels, trains proxy reward models with
LibTorch, and exports the mixed dataset for DPO and TRL trainers.

It contains the desktop workbench (hyper-workbench), the command line (hyper)
and the trainer for cluster nodes (hyper-train).")
# Stripped programs and module, and their debug information in a package of its own
# (hyper-workbench-dbgsym_VERSION_amd64.ddeb, files under /usr/lib/debug/.build-id/). CPack
# splits only files that are not stripped yet, so it strips them itself (objcopy
# --only-keep-debug, --strip-unneeded, --add-gnu-debuglink) and CPACK_STRIP_FILES stays off.
set(CPACK_STRIP_FILES FALSE)
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
# CPack 3.25's debug-symbols package needs mending after it is built (see the script).
set(CPACK_POST_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/installer/fix-dbgsym.cmake)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
