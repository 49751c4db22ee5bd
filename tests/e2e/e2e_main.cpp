// The end-to-end tests' main: each test process gets a network namespace of
// its own (when run as root, as CI does) before anything else starts.
//
// Why: ctest -j2 runs two of these processes at once, each streaming over
// loopback to Aravis. Aravis's packet-socket receiver (the default as root)
// binds a raw socket to lo and only then attaches the filter that keeps other
// streams out; packets of the other test that land in that window are taken
// for this test's stream. A foreign frame id then makes Aravis discard this
// camera's frames as "late" (arvgvstream.c, _find_frame_data) and the test
// sees a timed-out or cleared buffer, or none. A private loopback has no
// other traffic, and camemu (a child) inherits it.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A new network namespace starts with lo down; up, it answers for 127.0.0.0/8.
bool bring_loopback_up() {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq request{};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  bool up = ::ioctl(fd, SIOCGIFFLAGS, &request) == 0;
  if (up && !(request.ifr_flags & IFF_UP)) {
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    up = ::ioctl(fd, SIOCSIFFLAGS, &request) == 0;
  }
  ::close(fd);
  return up;
}

// Must run while the process has one thread: unshare moves only the caller.
// Without the rights (not root, or a container without CAP_SYS_ADMIN) the
// tests share the host's loopback, as before.
void enter_private_network() {
  const int host_namespace = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (::unshare(CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "e2e: no private network namespace (%s); tests share the host's loopback\n",
                 std::strerror(errno));
  } else if (!bring_loopback_up()) {
    // A namespace without a working lo would fail every test obscurely: go back.
    const bool back = host_namespace >= 0 && ::setns(host_namespace, CLONE_NEWNET) == 0;
    std::fprintf(stderr, "e2e: cannot bring up lo in a private network namespace; %s\n",
                 back ? "tests share the host's loopback" : "and cannot return to the host's namespace");
  }
  if (host_namespace >= 0) ::close(host_namespace);
}

}  // namespace

int main(int argc, char** argv) {
  enter_private_network();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
