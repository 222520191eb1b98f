# SPDX-License-Identifier: GPL-3.0-or-later
# CPACK_POST_BUILD_SCRIPTS: mends the debug-symbols package that CPack 3.25 writes.
# - Its md5sums list the files by their absolute paths in CPack's staging folder, so dpkg
#   and debsums cannot check them (lintian: md5sums-lists-nonexistent-file): the paths are
#   made relative to the package root, as in every other package.
# - It has no copyright file and no changelog: as Debian's own -dbgsym packages do, its
#   doc folder is a link to the main package's (which it depends on at the same version).
# The package is then rebuilt with dpkg-deb, the same tool CPack's output is read by.
foreach(file IN LISTS CPACK_PACKAGE_FILES)
  if(NOT file MATCHES "-dbgsym_.*\\.ddeb$")
    continue()
  endif()
  set(root "${file}.root")
  file(REMOVE_RECURSE "${root}")
  execute_process(COMMAND dpkg-deb -R "${file}" "${root}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fix-dbgsym: cannot unpack ${file}")
  endif()
  file(STRINGS "${root}/DEBIAN/md5sums" lines)
  set(fixed "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE "^([0-9a-f]+)  .*-dbgsym/(usr/.*)$" "\\1  \\2" line "${line}")
    string(APPEND fixed "${line}\n")
  endforeach()
  file(WRITE "${root}/DEBIAN/md5sums" "${fixed}")
  file(MAKE_DIRECTORY "${root}/usr/share/doc")
  file(CREATE_LINK hyper-workbench "${root}/usr/share/doc/hyper-workbench-dbgsym" SYMBOLIC)
  execute_process(COMMAND dpkg-deb --root-owner-group -Zxz --build "${root}" "${file}"
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fix-dbgsym: cannot rebuild ${file}")
  endif()
  file(REMOVE_RECURSE "${root}")
  message(STATUS "fix-dbgsym: mended ${file}")
endforeach()
