// The GVCP server over loopback, driven by raw UDP clients: discovery,
// register/memory access, privilege, heartbeat, retransmission, malformed
// input and PENDING_ACK for slow commands.
#include "server/gvcp_server.hpp"

#include "device/bootstrap_layout.hpp"
#include "device/user_sets.hpp"
#include "persistence/state_store.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

namespace camemu::server {
namespace {

namespace bs = device::bootstrap;
using gvcp::Command;
using gvcp::Status;
using namespace std::chrono_literals;
using test::GvcpClient;
using test::u32_payload;

constexpr uint32_t kWidth = 0x30204;

class GvcpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.start();
    ASSERT_NE(server.port(), 0);
    // The port is known only once the server bound it.
    first = std::make_unique<GvcpClient>(server.port());
    second = std::make_unique<GvcpClient>(server.port());
  }

  test::TempDir state_dir;
  persistence::StateStore store{state_dir.path()};
  std::unique_ptr<device::CameraDevice> device = test::make_device();
  device::UserSets user_sets{*device, store};
  GvcpServer server{*device, asio::ip::make_address_v4("127.0.0.1"), 0, GvcpServerHooks{}};
  std::unique_ptr<GvcpClient> first, second;
};

// An acknowledge that owns its payload (gvcp::ParsedAck only views the datagram).
struct Ack {
  Status status;
  uint16_t ack;
  uint16_t request_id;
  std::vector<uint8_t> payload;
};

std::optional<Ack> ack_of(const std::optional<std::vector<uint8_t>>& datagram) {
  if (!datagram) return std::nullopt;
  const auto parsed = gvcp::parse_ack(*datagram);
  if (!parsed) return std::nullopt;
  return Ack{parsed->status, parsed->ack, parsed->request_id, {parsed->payload.begin(), parsed->payload.end()}};
}

TEST_F(GvcpServerTest, DiscoveryIsAnsweredWithTheBootstrapBlock) {
  const auto reply = first->transact(gvcp::make_command(Command::Discovery, 0xFFFF, {}));
  ASSERT_TRUE(reply) << "no discovery ack";
  ASSERT_EQ(reply->size(), 8u + 248u);
  const auto ack = gvcp::parse_ack(*reply);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, Status::Success);
  EXPECT_EQ(ack->ack, 0x0003);
  EXPECT_EQ(ack->request_id, 0xFFFF);
  EXPECT_EQ(gvcp::get_u32(&ack->payload[bs::kCurrentIp]), test::kLoopback);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&ack->payload[bs::kModelName])), "acA4096-11gm");
}

TEST_F(GvcpServerTest, ReadregWriteregAndReadmemRoundTrip) {
  ASSERT_EQ(first->write_register(kWidth, 1024), Status::Success);
  uint32_t width = 0;
  ASSERT_EQ(first->read_register(kWidth, width), Status::Success);
  EXPECT_EQ(width, 1024u);
  EXPECT_EQ(device->get_int("Width"), 1024);

  // Several addresses in one READREG come back in order.
  const uint16_t id = first->next_request_id();
  const auto readreg = ack_of(first->transact(gvcp::make_command(Command::ReadReg, id, u32_payload({kWidth, bs::kStreamChannels}))));
  ASSERT_TRUE(readreg);
  EXPECT_EQ(readreg->request_id, id);
  ASSERT_EQ(readreg->payload.size(), 8u);
  EXPECT_EQ(gvcp::get_u32(&readreg->payload[0]), 1024u);
  EXPECT_EQ(gvcp::get_u32(&readreg->payload[4]), 1u);

  const uint16_t mem_id = first->next_request_id();
  const auto readmem = ack_of(first->transact(gvcp::make_command(Command::ReadMem, mem_id, u32_payload({bs::kManufacturerName, 32}))));
  ASSERT_TRUE(readmem);
  EXPECT_EQ(readmem->status, Status::Success);
  EXPECT_EQ(readmem->ack, 0x0085);
  ASSERT_EQ(readmem->payload.size(), 4u + 32u);
  EXPECT_EQ(gvcp::get_u32(readmem->payload.data()), bs::kManufacturerName);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(&readmem->payload[4])), "Basler");
}

TEST_F(GvcpServerTest, OtherClientsWritesAreDeniedWhileOneHoldsControl) {
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 0x2), Status::Success);
  EXPECT_EQ(second->write_register(kWidth, 1024), Status::AccessDenied);
  EXPECT_EQ(second->write_register(bs::kControlChannelPrivilege, 0x2), Status::AccessDenied);
  uint32_t value = 0;
  EXPECT_EQ(second->read_register(kWidth, value), Status::Success);  // control access: others may read
  EXPECT_EQ(value, 4096u);
  EXPECT_EQ(first->write_register(kWidth, 2048), Status::Success);

  // Once the primary releases, the other client may write.
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 0), Status::Success);
  EXPECT_EQ(second->write_register(kWidth, 1024), Status::Success);
  EXPECT_EQ(device->get_int("Width"), 1024);
}

TEST_F(GvcpServerTest, SilentPrimaryLosesControlAfterTheHeartbeatTimeout) {
  ASSERT_EQ(first->write_register(bs::kHeartbeatTimeout, 500), Status::Success);
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 0x2), Status::Success);
  const auto last_command = std::chrono::steady_clock::now();
  uint32_t ccp = 0;
  // Reads by another client must not keep the primary alive.
  ASSERT_EQ(second->read_register(bs::kControlChannelPrivilege, ccp), Status::Success);
  EXPECT_EQ(ccp, 0x2u);
  std::this_thread::sleep_until(last_command + 800ms);  // timeout 500 + 50 ms check period + slack
  ASSERT_EQ(second->read_register(bs::kControlChannelPrivilege, ccp), Status::Success);
  EXPECT_EQ(ccp, 0u);
  EXPECT_FALSE(device->control_channel().primary());
  EXPECT_EQ(second->write_register(kWidth, 1024), Status::Success);
}

TEST_F(GvcpServerTest, PrimaryThatKeepsTalkingKeepsControl) {
  ASSERT_EQ(first->write_register(bs::kHeartbeatTimeout, 1000), Status::Success);
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 0x2), Status::Success);
  uint32_t value = 0;
  for (int i = 0; i < 6; ++i) {  // 1.5 s in total, a READREG of any register every 250 ms
    std::this_thread::sleep_for(250ms);
    ASSERT_EQ(first->read_register(bs::kStreamChannels, value), Status::Success);
  }
  ASSERT_EQ(second->read_register(bs::kControlChannelPrivilege, value), Status::Success);
  EXPECT_EQ(value, 0x2u);
}

// `client` writes Width 1024 with `request_id`, the camera changes Width, and
// `client` sends the same command again: it must get the same acknowledge,
// and the write must not run again (which would undo the change).
void expect_retransmission_answered_without_re_executing(GvcpClient& client, device::CameraDevice& device,
                                                         uint16_t request_id) {
  const auto command = gvcp::make_command(Command::WriteReg, request_id, u32_payload({kWidth, 1024}));
  const auto original = client.transact(command);
  ASSERT_TRUE(original);
  ASSERT_EQ(gvcp::parse_ack(*original)->status, Status::Success);
  ASSERT_EQ(device.set("Width", int64_t{2048}), Status::Success);
  const auto repeated = client.transact(command);
  ASSERT_TRUE(repeated);
  EXPECT_EQ(*repeated, *original);
  EXPECT_EQ(device.get_int("Width"), 2048);
}

TEST_F(GvcpServerTest, RetransmittedCommandGetsTheSameAckWithoutReExecuting) {
  ASSERT_NO_FATAL_FAILURE(expect_retransmission_answered_without_re_executing(*first, *device, 500));
  // A new request id is executed.
  const auto fresh = ack_of(first->transact(gvcp::make_command(Command::WriteReg, 501, u32_payload({kWidth, 1024}))));
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, Status::Success);
  EXPECT_EQ(device->get_int("Width"), 1024);
}

TEST_F(GvcpServerTest, AcknowledgesAreKeptForTheMostRecentPeersOnly) {
  // Each host session comes from a new port; before, every one stayed
  // remembered for the life of the camera.
  uint32_t value = 0;
  for (int session = 0; session < 100; ++session) {
    GvcpClient client(server.port());
    ASSERT_EQ(client.read_register(bs::kStreamChannels, value), Status::Success) << "session " << session;
  }
  EXPECT_LE(server.remembered_peers(), 64u);
  EXPECT_GE(server.remembered_peers(), 60u);
  // The newest peer's retransmission is still answered from memory.
  ASSERT_NO_FATAL_FAILURE(expect_retransmission_answered_without_re_executing(*first, *device, 77));
}

TEST_F(GvcpServerTest, AHostThatKeepsSendingStaysRememberedAmongManyShortSessions) {
  // `first` reads Width every 10 sessions, like a heartbeat; kept first in,
  // first out, it was forgotten 64 sessions after its first command, 4 after
  // its last one, and a retransmission of that was executed again.
  std::vector<uint8_t> last_read;
  uint32_t value = 0;
  for (int session = 0; session < 70; ++session) {
    if (session % 10 == 0) {
      last_read = gvcp::make_command(Command::ReadReg, static_cast<uint16_t>(1000 + session), u32_payload({kWidth}));
      ASSERT_TRUE(first->transact(last_read));
    }
    GvcpClient client(server.port());
    ASSERT_EQ(client.read_register(bs::kStreamChannels, value), Status::Success) << "session " << session;
  }
  const int64_t width_read = device->get_int("Width");
  ASSERT_EQ(device->set("Width", int64_t{2048}), Status::Success);
  const auto repeated = ack_of(first->transact(last_read));
  ASSERT_TRUE(repeated);
  ASSERT_EQ(repeated->payload.size(), 4u);
  EXPECT_EQ(gvcp::get_u32(repeated->payload.data()), static_cast<uint32_t>(width_read)) << "executed again";
}

TEST_F(GvcpServerTest, UnknownCommandIsNotImplemented) {
  const auto ack = ack_of(first->transact(gvcp::make_command(static_cast<Command>(0x0050), 9, u32_payload({0}))));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, Status::NotImplemented);
  EXPECT_EQ(ack->ack, 0x0051);
  EXPECT_EQ(ack->request_id, 9);
}

TEST_F(GvcpServerTest, LengthMismatchIsInvalidHeader) {
  auto command = gvcp::make_command(Command::ReadReg, 10, u32_payload({kWidth}));
  gvcp::put_u16(&command[4], 12);
  const auto ack = ack_of(first->transact(command));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->status, Status::InvalidHeader);
  EXPECT_EQ(ack->ack, 0x0081);
  EXPECT_EQ(ack->request_id, 10);
}

TEST_F(GvcpServerTest, GarbageIsIgnoredAndTheServerKeepsAnswering) {
  first->send({0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55});
  first->send({0x42});
  EXPECT_FALSE(first->receive(300ms)) << "a datagram that is not GVCP must not be answered";
  uint32_t value = 0;
  EXPECT_EQ(first->read_register(bs::kStreamChannels, value), Status::Success);
  EXPECT_EQ(value, 1u);
}

TEST_F(GvcpServerTest, UserDefinedNameOfAnyBytesIsStoredAndTheServerKeepsAnswering) {
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 2), Status::Success);
  // Not UTF-8: saving it with the device settings used to end the process.
  const std::vector<uint8_t> name{'c', 0xC9, 'a', 0xFF, 0x80, 'z', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<uint8_t> payload(4);
  gvcp::put_u32(payload.data(), bs::kUserDefinedName);
  payload.insert(payload.end(), name.begin(), name.end());
  const auto written = ack_of(first->transact(gvcp::make_command(Command::WriteMem, 40, payload)));
  ASSERT_TRUE(written) << "no WRITEMEM ack";
  EXPECT_EQ(written->status, Status::Success);
  const auto read = ack_of(first->transact(gvcp::make_command(Command::ReadMem, 41, u32_payload({bs::kUserDefinedName, 16}))));
  ASSERT_TRUE(read) << "no READMEM ack";
  ASSERT_EQ(read->payload.size(), 4u + name.size());
  EXPECT_EQ(std::vector<uint8_t>(read->payload.begin() + 4, read->payload.end()), name);
}

TEST_F(GvcpServerTest, CommandWhoseHandlingThrowsGetsGenericErrorAndTheServerKeepsAnswering) {
  // A stand-in for a camemu bug: an exception leaving the handler would
  // otherwise end the process from the server's thread.
  device::FeatureBehaviour throwing;
  throwing.changed = [](const device::FeatureValue&) { throw std::logic_error("injected"); };
  device->attach("GainRaw", throwing);
  ASSERT_EQ(first->write_register(bs::kControlChannelPrivilege, 2), Status::Success);
  EXPECT_EQ(first->write_register(*device->catalog().at("GainRaw").address, 5), Status::Error);
  EXPECT_EQ(server.counters().internal_errors.load(), 1u);
  uint32_t value = 0;
  EXPECT_EQ(second->read_register(bs::kStreamChannels, value), Status::Success);
  EXPECT_EQ(value, 1u);
}

TEST(GvcpServerHooks, AHookThatThrowsWhenControlIsLostLeavesTheServerAnsweringAndCheckingHeartbeats) {
  // The heartbeat check runs on the server's timer, outside any command's
  // guard: an exception there ended the process.
  auto device = test::make_device();
  std::atomic<int> losses{0};
  GvcpServerHooks hooks;
  hooks.control_lost = [&losses] {
    ++losses;
    throw std::runtime_error("injected");
  };
  GvcpServer server{*device, asio::ip::make_address_v4("127.0.0.1"), 0, std::move(hooks)};
  server.start();
  GvcpClient host(server.port()), other(server.port());
  for (int session = 1; session <= 2; ++session) {
    ASSERT_EQ(host.write_register(bs::kHeartbeatTimeout, 500), Status::Success);
    ASSERT_EQ(host.write_register(bs::kControlChannelPrivilege, 2), Status::Success);
    std::this_thread::sleep_for(800ms);  // timeout 500 + 50 ms check period + slack
    uint32_t ccp = 1;
    ASSERT_EQ(other.read_register(bs::kControlChannelPrivilege, ccp), Status::Success) << "session " << session;
    EXPECT_EQ(ccp, 0u) << "session " << session;  // the checks go on after the first exception
    EXPECT_EQ(losses.load(), session);
    EXPECT_EQ(server.counters().internal_errors.load(), static_cast<uint64_t>(session));
  }
  server.stop();
}

TEST_F(GvcpServerTest, SlowUserSetSaveIsAnnouncedWithPendingAck) {
  uint32_t config = 0;
  ASSERT_EQ(first->read_register(bs::kGvcpConfiguration, config), Status::Success);
  ASSERT_EQ(first->write_register(bs::kGvcpConfiguration, config | bs::kConfigPendingAckEnable), Status::Success);
  const auto& catalog = device->catalog();
  ASSERT_EQ(first->write_register(*catalog.at("UserSetSelector").address, 1), Status::Success);  // UserSet1
  ASSERT_EQ(first->write_register(kWidth, 1024), Status::Success);

  const uint32_t save_address = *catalog.at("UserSetSave").address;
  const auto started = std::chrono::steady_clock::now();
  first->send(gvcp::make_command(Command::WriteReg, 700, u32_payload({save_address, 1})));
  const auto pending = ack_of(first->receive(300ms));
  ASSERT_TRUE(pending) << "no PENDING_ACK within Aravis's patience";
  EXPECT_EQ(pending->ack, 0x0089);
  EXPECT_EQ(pending->request_id, 700);
  ASSERT_EQ(pending->payload.size(), 4u);
  EXPECT_GE(gvcp::get_u16(&pending->payload[2]), catalog.at("UserSetSave").execution_ms);

  const auto done = ack_of(first->receive(2000ms));
  ASSERT_TRUE(done) << "no final ack after the PENDING_ACK";
  EXPECT_EQ(done->ack, 0x0083);
  EXPECT_EQ(done->status, Status::Success);
  EXPECT_EQ(done->request_id, 700);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(catalog.at("UserSetSave").execution_ms));
  // The save really happened.
  auto saved = store.load("user_sets");
  ASSERT_TRUE(saved);
  EXPECT_EQ((*saved)["UserSet1"]["Width"], 1024);
}

// GET /api/v1/status reports gvcp.errors: a refused slow command (here a
// UserSetSave from a host without control, and one arriving while another
// is still writing the flash) counts like any other refused command.
TEST_F(GvcpServerTest, RefusedSlowCommandsAreCountedAsErrors) {
  const uint32_t save_address = *device->catalog().at("UserSetSave").address;
  ASSERT_EQ(second->write_register(bs::kControlChannelPrivilege, 2), Status::Success);
  ASSERT_EQ(second->write_register(*device->catalog().at("UserSetSelector").address, 1), Status::Success);  // UserSet1
  const uint64_t before = server.counters().errors.load();
  EXPECT_EQ(first->write_register(save_address, 1), Status::AccessDenied);
  EXPECT_EQ(server.counters().errors.load(), before + 1);

  second->send(gvcp::make_command(Command::WriteReg, 801, u32_payload({save_address, 1})));
  std::this_thread::sleep_for(50ms);  // the flash write has begun
  EXPECT_EQ(second->write_register(save_address, 1), Status::Busy);
  EXPECT_EQ(server.counters().errors.load(), before + 2);
  const auto saved = ack_of(second->receive(2000ms));
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->request_id, 801);
  EXPECT_EQ(saved->status, Status::Success);
  EXPECT_EQ(server.counters().errors.load(), before + 2);
}

}  // namespace
}  // namespace camemu::server

namespace camemu::server {
namespace {

// Fault injection on the control channel: a lost command is never executed;
// a lost acknowledge belongs to an executed command, and the host's
// retransmission is answered from memory, not executed again.
TEST_F(GvcpServerTest, InjectedLossDropsCommandsOrAcknowledgesAsAHostWouldSeeOnALossyLink) {
  server.set_faults({.seed = 3, .command_drop_ratio = 1.0, .ack_drop_ratio = 0.0});
  first->send(gvcp::make_command(Command::WriteReg, 600, u32_payload({kWidth, 1024})));
  EXPECT_FALSE(first->receive(200ms)) << "a lost command was answered";
  EXPECT_EQ(device->get_int("Width"), 4096) << "a lost command was executed";
  EXPECT_EQ(server.counters().commands_dropped.load(), 1u);

  server.set_faults({.seed = 3, .command_drop_ratio = 0.0, .ack_drop_ratio = 1.0});
  first->send(gvcp::make_command(Command::WriteReg, 601, u32_payload({kWidth, 1024})));
  EXPECT_FALSE(first->receive(200ms)) << "a lost acknowledge arrived";
  EXPECT_EQ(device->get_int("Width"), 1024) << "the command behind a lost acknowledge did not run";
  EXPECT_EQ(server.counters().acks_dropped.load(), 1u);

  // The retransmission after the host's timeout: the same acknowledge, and
  // the value the host wrote meanwhile through the bench stays.
  server.set_faults({});
  ASSERT_EQ(device->set("Width", int64_t{2048}), Status::Success);
  const auto retried = ack_of(first->transact(gvcp::make_command(Command::WriteReg, 601, u32_payload({kWidth, 1024}))));
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->status, Status::Success);
  EXPECT_EQ(retried->request_id, 601);
  EXPECT_EQ(device->get_int("Width"), 2048) << "the retransmission was executed again";
}

// The same seed loses the same commands: a CI run can be repeated exactly.
TEST_F(GvcpServerTest, InjectedLossIsSeeded) {
  const auto losses = [&](uint64_t seed) {
    server.set_faults({.seed = seed, .command_drop_ratio = 0.5, .ack_drop_ratio = 0.0});
    std::vector<bool> answered;
    for (uint16_t id = 1; id <= 24; ++id)
      answered.push_back(first->transact(gvcp::make_command(Command::ReadReg, uint16_t(700 + id), u32_payload({kWidth})), 100ms)
                             .has_value());
    return answered;
  };
  const auto first_run = losses(11);
  EXPECT_EQ(losses(11), first_run);
  EXPECT_NE(losses(12), first_run);
  const auto lost = std::count(first_run.begin(), first_run.end(), false);
  EXPECT_GT(lost, 3);
  EXPECT_LT(lost, 21);
}

}  // namespace
}  // namespace camemu::server
