# SPDX-License-Identifier: GPL-3.0-or-later
# CPack: a .deb first. The shlibs scan finds the shared libraries the binaries link, but
# not the two that are loaded at run time: Qt's SQLite driver plugin and the threaded
# OpenBLAS that LibTorch needs to run at speed (without it, a reference BLAS 15-25x
# slower is used). They are named by hand.
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper-workbench.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper-workbench-mime.xml
        DESTINATION share/mime/packages RENAME hyper-workbench.xml)
install(PROGRAMS ${CMAKE_SOURCE_DIR}/scripts/score_rm.py DESTINATION share/hyper-workbench)
install(FILES ${CMAKE_SOURCE_DIR}/installer/hyper.bash-completion
        DESTINATION share/bash-completion/completions RENAME hyper)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/hyper.svg
        DESTINATION share/icons/hicolor/scalable/apps RENAME hyper-workbench.svg)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hyper-workbench)
set(CPACK_PACKAGE_VENDOR "HyPER Workbench")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Hybrid human + LM preference datasets: import, route, label, train, export")
set(CPACK_PACKAGE_CONTACT "HyPER Workbench developers <hyper-workbench@localhost>")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libqt6svg6: the SVG image plugin the GUI's icons load (issue 18).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6svg6, libopenblas0-pthread")
# scripts/score_rm.py needs numpy only; cluster jobs need Slurm's client commands.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3-numpy")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "slurm-client")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
include(CPack)
