#pragma once
// What `arv-tool-0.8 genicam` prints, cut to the XML document.
#include <string>

namespace camemu::test_support {

// Aravis unzips the description into a buffer of exactly the file's size, with
// no terminating NUL (arvzip.c, arv_zip_get_file: g_malloc (uncompressed_size)),
// and arv-tool prints it as a C string: whatever heap bytes follow, up to the
// next zero, come out after </RegisterDescription>. Usually none, sometimes a
// few, which an XML parser rejects as content after the document. Returns the
// text up to the root element's end tag (all of it if there is none).
std::string genicam_document_printed_by_arv_tool(const std::string& output);

}  // namespace camemu::test_support
