# The zh_CN translation (GNU gettext; docs/TRANSLATING.md).
#
# Every build:
#  - extracts the messages the code marks (tr, trf, trn, N_) into
#    build/po/folio.pot, and fails when po/zh_CN.po lacks a translation of one
#    of them or holds a fuzzy one (msgcmp): a message added in English only
#    does not build;
#  - compiles po/zh_CN.po into build/locale/zh_CN/LC_MESSAGES/folio.mo, where
#    the folio of the build tree finds it, and installs it in the FHS place.
find_program(XGETTEXT xgettext REQUIRED)
find_program(MSGFMT msgfmt REQUIRED)
find_program(MSGCMP msgcmp REQUIRED)  # used by scripts/check-po.sh

set(FOLIO_LANGUAGES zh_CN)
file(GLOB_RECURSE FOLIO_MESSAGE_SOURCES CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/src/*.cpp ${PROJECT_SOURCE_DIR}/src/*.h ${PROJECT_SOURCE_DIR}/src/*.inc
  ${PROJECT_SOURCE_DIR}/include/folio/*.h)
list(SORT FOLIO_MESSAGE_SOURCES)
set(FOLIO_POT ${PROJECT_BINARY_DIR}/po/folio.pot)
# The same options as scripts/update-po.sh.
set(FOLIO_XGETTEXT_OPTIONS --language=C++ --from-code=UTF-8 --no-wrap --sort-by-file --add-location=file
  --keyword= --keyword=tr:1 --keyword=trf:1 --keyword=trn:1,2 --keyword=N_:1
  --flag=tr:1:no-c-format --flag=trf:1:no-c-format --flag=trn:1:no-c-format --flag=trn:2:no-c-format
  --flag=N_:1:no-c-format
  --add-comments=TRANSLATORS: --package-name=folio --package-version=${PROJECT_VERSION}
  --msgid-bugs-address=https://example.invalid/folio)
add_custom_command(OUTPUT ${FOLIO_POT}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/po
  COMMAND ${XGETTEXT} ${FOLIO_XGETTEXT_OPTIONS} --directory=${PROJECT_SOURCE_DIR} -o ${FOLIO_POT}
          --files-from=${PROJECT_BINARY_DIR}/po/sources.txt
  DEPENDS ${FOLIO_MESSAGE_SOURCES} ${PROJECT_BINARY_DIR}/po/sources.txt
  COMMENT "Extracting the messages to translate"
  VERBATIM)
set(_folio_rel_sources "")
foreach(f ${FOLIO_MESSAGE_SOURCES})
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${f})
  string(APPEND _folio_rel_sources "${rel}\n")
endforeach()
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/po/sources.txt CONTENT "${_folio_rel_sources}")

set(FOLIO_MO_FILES "")
foreach(lang ${FOLIO_LANGUAGES})
  set(po ${PROJECT_SOURCE_DIR}/po/${lang}.po)
  set(mo ${PROJECT_BINARY_DIR}/locale/${lang}/LC_MESSAGES/folio.mo)
  set(stamp ${PROJECT_BINARY_DIR}/po/${lang}.checked)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-po.sh ${FOLIO_POT} ${po}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${po} ${FOLIO_POT} ${PROJECT_SOURCE_DIR}/scripts/check-po.sh
    COMMENT "Checking that po/${lang}.po translates every message (scripts/update-po.sh adds new ones)"
    VERBATIM)
  add_custom_command(OUTPUT ${mo}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/locale/${lang}/LC_MESSAGES
    COMMAND ${MSGFMT} --check --statistics -o ${mo} ${po}
    DEPENDS ${po} ${stamp}
    COMMENT "Compiling the ${lang} translation"
    VERBATIM)
  list(APPEND FOLIO_MO_FILES ${mo})
  install(FILES ${mo} DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/${lang}/LC_MESSAGES)
endforeach()
add_custom_target(folio_translations ALL DEPENDS ${FOLIO_MO_FILES})
add_dependencies(folio_cli folio_translations)
