// arv-test, Aravis's own conformance runner, against camemu. arv-test always
// discovers cameras by broadcast, so camemu and arv-test run inside a network
// namespace that has only lo (gige.md sections 5 and 11).
#include "arv_tool_output.hpp"
#include "camemu_process.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace camemu::e2e {
namespace {

// arv-test prints one "<name> <SUCCESS|FAILURE|IGNORED> <comment>" line per check.
std::map<std::string, std::string> parse_arv_test_results(const std::string& output) {
  std::map<std::string, std::string> results;
  std::stringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::stringstream words(line);
    std::string name, status;
    words >> name >> status;
    if (status == "SUCCESS" || status == "FAILURE" || status == "IGNORED") results[name] = status;
  }
  return results;
}

// Checks of one arv-test group ("Genicam" covers "Genicam:Load", "Genicam:Schema", ...).
std::map<std::string, std::string> group(const std::map<std::string, std::string>& results, const std::string& prefix) {
  std::map<std::string, std::string> selected;
  for (const auto& [name, status] : results)
    if (name.rfind(prefix, 0) == 0) selected[name] = status;
  return selected;
}

TEST(ArvTestConformance, GenicamPropertiesGigEVisionAcquisitionTriggerAndChunkChecksPass) {
  if (!running_as_root()) GTEST_SKIP() << "skipped: network namespaces need root";
  for (const char* tool : {"ip", "arv-test-0.8", "arv-tool-0.8"})
    if (!program_exists(tool)) GTEST_SKIP() << "skipped: " << tool << " is not installed";

  TempDir work;
  NetworkNamespace ns("arvtest");
  ASSERT_TRUE(ns.ok()) << ns.problem();
  const int control_port = pick_free_tcp_port();
  ChildProcess camemu(ns.exec(camemu_command({"127.0.0.1", {}, work.path() / "state"}, work.path(), control_port)),
                      work.path(), "camemu");
  ASSERT_TRUE(camemu.wait_for_output("control API", 20s)) << "camemu did not start:\n" << camemu.output_text();

  // A small ROI keeps the acquisitions short; camemu keeps it for the next client.
  const auto roi = run_command(ns.exec({"arv-tool-0.8", "-a", "127.0.0.1", "control", "Width=512", "Height=256"}), 30s);
  ASSERT_EQ(roi.exit_code, 0) << roi.output();

  const auto run = run_command(ns.exec({"arv-test-0.8", "-c", CAMEMU_ARV_TEST_CONFIG}), 100s);
  ASSERT_FALSE(run.timed_out) << run.output();
  std::cout << run.output();
  const auto results = parse_arv_test_results(run.output());
  ASSERT_NE(run.output().find("acA4096-11gm"), std::string::npos) << "arv-test did not find the camera:\n" << run.output();

  for (const std::string required : {"Genicam", "Properties", "GigEVision", "MultipleAcquisitionA", "SoftwareTrigger", "Chunks"}) {
    SCOPED_TRACE(required);
    const auto checks = group(results, required);
    EXPECT_FALSE(checks.empty()) << "no " << required << " result in:\n" << run.output();
    for (const auto& [name, status] : checks) {
      RecordProperty(name, status);
      // arv-test 0.8.26 validates Schema=1.1 against its GenApi 1.0 XSD, so a genuine
      // 1.1 description fails there; the real 1.1 XSD decides instead (below).
      if (name == "Genicam:Schema" && status == "FAILURE") continue;
      EXPECT_EQ(status, "SUCCESS") << name;
    }
  }
  if (results.count("Genicam:Schema") && results.at("Genicam:Schema") == "FAILURE") {
    if (!program_exists("xmllint")) {
      ADD_FAILURE() << "Genicam:Schema failed and xmllint is missing to check the description against the 1.1 XSD";
    } else {
      const auto xml = run_command(ns.exec({"arv-tool-0.8", "-a", "127.0.0.1", "genicam"}), 30s);
      ASSERT_EQ(xml.exit_code, 0) << xml.err.substr(0, 2000);
      const auto xml_path = work.path() / "camemu.xml";
      std::ofstream(xml_path) << test_support::genicam_document_printed_by_arv_tool(xml.out);
      const auto lint = run_command({"xmllint", "--noout", "--schema", CAMEMU_GENAPI_SCHEMA_1_1, xml_path.string()}, 30s);
      EXPECT_EQ(lint.exit_code, 0) << "the GenICam description is not valid GenApi 1.1:\n" << lint.output().substr(0, 4000);
    }
  }
  EXPECT_EQ(camemu.stop(SIGTERM, 10s), 0) << camemu.output_text();
}

}  // namespace
}  // namespace camemu::e2e
