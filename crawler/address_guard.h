// The crawler's SSRF address guard: which IP addresses a fetch may connect
// to. Everything that is not the public internet (loopback, private,
// link-local, CGNAT, unique-local, multicast, documentation, metadata ...,
// IPv4-mapped/NAT64/6to4 forms included) is refused unless an allow-list
// entry (an address or CIDR, IPv4 or IPv6) covers it. No curl here: the
// fetcher asks the guard from its open-socket callback, after DNS, on
// every hop.
//
// Thread-compatible: Allow() before use, then Permits() is const.
#ifndef OITWATCH_CRAWLER_ADDRESS_GUARD_H_
#define OITWATCH_CRAWLER_ADDRESS_GUARD_H_

#include <array>
#include <string>
#include <vector>

struct sockaddr;

namespace oitwatch {

// True if `ip` (IPv4 or IPv6 text) is loopback, private, link-local,
// CGNAT, unique-local, multicast, unspecified or a metadata address, taking
// IPv4-mapped IPv6 into account. Text that is not an address counts as
// non-public (fail closed).
bool IsNonPublicAddress(const std::string& ip);

class AddressGuard {
 public:
  // Allow-lists `entry`: "a.b.c.d", "a.b.c.d/n", an IPv6 address or
  // "v6/n". Returns false with "'<entry>' is not an IP address or CIDR"
  // for anything else (IPv4 takes plain dotted quads only).
  bool Allow(const std::string& entry, std::string* err);

  // True if a connection to `address` (AF_INET or AF_INET6) may be opened:
  // it is public, or allow-listed. False for any other address family.
  bool Permits(const sockaddr& address) const;

 private:
  using Address = std::array<unsigned char, 16>;  // IPv4 as ::ffff:a.b.c.d
  struct Cidr {
    Address address{};
    int prefix_bits = 128;
  };
  std::vector<Cidr> allow_;
};

}  // namespace oitwatch

#endif  // OITWATCH_CRAWLER_ADDRESS_GUARD_H_
