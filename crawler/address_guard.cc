// The SSRF address guard (see address_guard.h): addresses as 16 bytes,
// IPv4 mapped into ::ffff:0:0/96, compared by prefix.
#include "crawler/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace oitwatch {
namespace {

using Address = std::array<unsigned char, 16>;  // IPv4 as ::ffff:a.b.c.d

Address MappedV4(const unsigned char* v4) {
  Address out{};
  out[10] = out[11] = 0xFF;
  std::memcpy(out.data() + 12, v4, 4);
  return out;
}

// Parses IPv6 text, dotted IPv4 and the legacy IPv4 notations inet_aton
// accepts ("2130706433", "0x7f.1", "017700000001").
bool ParseAddress(const std::string& text, Address* out, bool* is_v4) {
  unsigned char buffer[16];
  if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) {
    std::memcpy(out->data(), buffer, 16);
    *is_v4 = false;
    return true;
  }
  in_addr v4{};
  if (inet_aton(text.c_str(), &v4) == 0) return false;
  *out = MappedV4(reinterpret_cast<const unsigned char*>(&v4.s_addr));
  *is_v4 = true;
  return true;
}

bool InPrefix(const Address& address, const Address& network, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
    if ((address[i] & mask) != (network[i] & mask)) return false;
  }
  return true;
}

bool ParseCidr(const std::string& text, Address* address, int* prefix_bits) {
  const size_t slash = text.find('/');
  bool is_v4 = false;
  if (!ParseAddress(text.substr(0, slash), address, &is_v4)) return false;
  if (is_v4 && slash == std::string::npos &&
      text.find_first_not_of("0123456789.") != std::string::npos) {
    return false;  // allow-lists take plain dotted quads only
  }
  *prefix_bits = 128;
  if (slash == std::string::npos) return true;
  const std::string bits = text.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 ||
      bits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const int value = std::stoi(bits);
  const int limit = is_v4 ? 32 : 128;
  if (value > limit) return false;
  *prefix_bits = is_v4 ? value + 96 : value;
  return true;
}

struct Range {
  const char* network;
  int bits;
};

// IPv4 ranges that are not the public internet (IANA special-purpose).
constexpr Range kNonPublicV4[] = {
    {"0.0.0.0", 8},      {"10.0.0.0", 8},     {"100.64.0.0", 10},
    {"127.0.0.0", 8},    {"169.254.0.0", 16}, {"172.16.0.0", 12},
    {"192.0.0.0", 24},   {"192.0.2.0", 24},   {"192.88.99.0", 24},
    {"192.168.0.0", 16}, {"198.18.0.0", 15},  {"198.51.100.0", 24},
    {"203.0.113.0", 24}, {"224.0.0.0", 4},    {"240.0.0.0", 4},
};

// IPv6 ranges that are never public (mapped/compat/NAT64 handled apart).
constexpr Range kNonPublicV6[] = {
    {"::", 96},     {"64:ff9b:1::", 48}, {"100::", 64}, {"2001:db8::", 32},
    {"2001::", 32}, {"2001:10::", 28},   {"fc00::", 7}, {"fe80::", 10},
    {"fec0::", 10}, {"ff00::", 8},
};

bool InRanges(const Address& address, const Range* ranges, size_t count,
              bool v4) {
  for (size_t i = 0; i < count; ++i) {
    Address network{};
    bool is_v4 = false;
    ParseAddress(ranges[i].network, &network, &is_v4);
    if (InPrefix(address, network, v4 ? ranges[i].bits + 96 : ranges[i].bits))
      return true;
  }
  return false;
}

bool IsNonPublic(const Address& address) {
  static const Address kMapped = MappedV4((const unsigned char*)"\0\0\0\0");
  Address nat64{};
  bool ignored = false;
  ParseAddress("64:ff9b::", &nat64, &ignored);
  Address six_to_four{};
  ParseAddress("2002::", &six_to_four, &ignored);
  if (InPrefix(address, kMapped, 96) || InPrefix(address, nat64, 96)) {
    const Address v4 = MappedV4(address.data() + 12);
    return InRanges(v4, kNonPublicV4, std::size(kNonPublicV4), true);
  }
  if (InPrefix(address, six_to_four, 16)) {
    const Address v4 = MappedV4(address.data() + 2);
    return InRanges(v4, kNonPublicV4, std::size(kNonPublicV4), true);
  }
  return InRanges(address, kNonPublicV6, std::size(kNonPublicV6), false);
}

bool SockaddrToAddress(const sockaddr* addr, Address* out) {
  if (addr->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    *out = MappedV4(reinterpret_cast<const unsigned char*>(&v4->sin_addr));
    return true;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    std::memcpy(out->data(), &v6->sin6_addr, 16);
    return true;
  }
  return false;
}

}  // namespace

bool IsNonPublicAddress(const std::string& ip) {
  Address address{};
  bool is_v4 = false;
  if (!ParseAddress(ip, &address, &is_v4)) return true;  // fail closed
  return IsNonPublic(address);
}

bool AddressGuard::Allow(const std::string& entry, std::string* err) {
  Cidr cidr;
  if (!ParseCidr(entry, &cidr.address, &cidr.prefix_bits)) {
    *err = "'" + entry + "' is not an IP address or CIDR";
    return false;
  }
  allow_.push_back(cidr);
  return true;
}

bool AddressGuard::Permits(const sockaddr& address) const {
  Address ip{};
  if (!SockaddrToAddress(&address, &ip)) return false;
  if (!IsNonPublic(ip)) return true;
  for (const Cidr& cidr : allow_) {
    if (InPrefix(ip, cidr.address, cidr.prefix_bits)) return true;
  }
  return false;
}

}  // namespace oitwatch
