// The SSRF address guard (crawler/address_guard.h) on its own: the
// allow-list syntax and what Permits() lets through. The fetcher-level
// behaviour (refused connections are data) is in fetcher_test/hostile_test.
#include "crawler/address_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace oitwatch {
namespace {

sockaddr_in V4(const char* ip) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  EXPECT_EQ(inet_pton(AF_INET, ip, &a.sin_addr), 1) << ip;
  return a;
}

sockaddr_in6 V6(const char* ip) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  EXPECT_EQ(inet_pton(AF_INET6, ip, &a.sin6_addr), 1) << ip;
  return a;
}

bool Permits(const AddressGuard& guard, const sockaddr_in& a) {
  return guard.Permits(reinterpret_cast<const sockaddr&>(a));
}

bool Permits(const AddressGuard& guard, const sockaddr_in6& a) {
  return guard.Permits(reinterpret_cast<const sockaddr&>(a));
}

TEST(AddressGuardTest, PublicAddressesPassWithoutAnAllowList) {
  AddressGuard guard;
  EXPECT_TRUE(Permits(guard, V4("203.150.10.20")));
  EXPECT_TRUE(Permits(guard, V6("2001:4860:4860::8888")));
}

TEST(AddressGuardTest, NonPublicAddressesAreRefusedByDefault) {
  AddressGuard guard;
  for (const char* ip : {"127.0.0.1", "10.1.2.3", "169.254.169.254",
                         "192.168.1.1", "100.64.0.1"}) {
    EXPECT_FALSE(Permits(guard, V4(ip))) << ip;
  }
  for (const char* ip : {"::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1",
                         "64:ff9b::a00:1", "2002:7f00:1::"}) {
    EXPECT_FALSE(Permits(guard, V6(ip))) << ip;
  }
}

TEST(AddressGuardTest, AllowListedAddressAndCidrPass) {
  AddressGuard guard;
  std::string err;
  ASSERT_TRUE(guard.Allow("127.0.0.1", &err)) << err;
  ASSERT_TRUE(guard.Allow("10.0.0.0/8", &err)) << err;
  ASSERT_TRUE(guard.Allow("fd00::/8", &err)) << err;
  EXPECT_TRUE(Permits(guard, V4("127.0.0.1")));
  EXPECT_FALSE(Permits(guard, V4("127.0.0.2")));
  EXPECT_TRUE(Permits(guard, V4("10.200.3.4")));
  EXPECT_TRUE(Permits(guard, V6("::ffff:127.0.0.1")));  // mapped form too
  EXPECT_TRUE(Permits(guard, V6("fd12::1")));
  EXPECT_FALSE(Permits(guard, V4("192.168.0.1")));
}

TEST(AddressGuardTest, BadAllowListEntriesAreRejectedByName) {
  for (const char* entry : {"", "localhost", "10.0.0.0/33", "::/129",
                            "10.0.0.0/", "10.0.0.0/x", "0x7f.1"}) {
    AddressGuard guard;
    std::string err;
    EXPECT_FALSE(guard.Allow(entry, &err)) << entry;
    EXPECT_EQ(err, "'" + std::string(entry) + "' is not an IP address or CIDR")
        << entry;
  }
}

TEST(AddressGuardTest, UnknownAddressFamilyIsRefused) {
  AddressGuard guard;
  sockaddr unix_socket{};
  unix_socket.sa_family = AF_UNIX;
  EXPECT_FALSE(guard.Permits(unix_socket));
}

}  // namespace
}  // namespace oitwatch
