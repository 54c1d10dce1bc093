//! Where a webhook may be delivered. A department chooses the URL, and the server makes the
//! request from inside the bureau's network: without a policy a department could make it reach
//! the cloud metadata service, the database port or an intranet admin page, and read which ports
//! are open from the delivery status (server-side request forgery).
//!
//! The policy is checked twice: on the URL when it is registered (names and IP literals, after
//! the URL parser has normalised `http://2130706433/` or `http://0x7f.1/` to 127.0.0.1), and on
//! every address a host name resolves to at delivery, inside the HTTP client's resolver, so the
//! address checked is the address connected to (a name that resolved to a public address at
//! registration and to 127.0.0.1 now — DNS rebinding — is refused). IP literals do not go
//! through a resolver, so delivery checks them again beside it. Redirects are never followed and
//! proxies from the environment never used: either would connect somewhere unchecked.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Which addresses deliveries may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TargetPolicy {
    /// Globally routable addresses only (the default).
    #[default]
    PublicOnly,
    /// Also private networks, loopback, CGNAT and IPv6 unique-local addresses, for intranets
    /// whose department systems sit on private addresses (`serve --webhook-allow-private`).
    /// Link-local (where cloud metadata services live), unspecified, multicast, broadcast,
    /// documentation and reserved addresses stay refused: no department system lives there.
    AllowPrivate,
}

/// What an address is, for the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Global,
    /// Loopback, RFC 1918, CGNAT, IPv6 unique-local: reachable only inside a site.
    Private,
    /// Never a delivery target.
    Never,
}

impl TargetPolicy {
    pub fn allows(self, ip: IpAddr) -> bool {
        match classify(ip) {
            Class::Global => true,
            Class::Private => self == TargetPolicy::AllowPrivate,
            Class::Never => false,
        }
    }

    /// Whether a host name is refused by name alone (`localhost` and its subdomains resolve
    /// to loopback without asking DNS).
    fn allows_name(self, name: &str) -> bool {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let local = name == "localhost" || name.ends_with(".localhost");
        !local || self == TargetPolicy::AllowPrivate
    }

    /// Checks a URL's host without resolving it: IP literals (as the URL parser normalised
    /// them) against the address ranges, names against the loopback names.
    pub fn allows_url(self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        match literal.parse::<IpAddr>() {
            Ok(ip) => self.allows(ip),
            Err(_) => self.allows_name(host),
        }
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn classify_v4(ip: Ipv4Addr) -> Class {
    const PRIVATE: &[([u8; 4], u32)] = &[
        ([127, 0, 0, 0], 8),
        ([10, 0, 0, 0], 8),
        ([172, 16, 0, 0], 12),
        ([192, 168, 0, 0], 16),
        ([100, 64, 0, 0], 10),
    ];
    const NEVER: &[([u8; 4], u32)] = &[
        ([0, 0, 0, 0], 8),       // "this network", 0.0.0.0
        ([169, 254, 0, 0], 16),  // link-local, cloud metadata
        ([192, 0, 0, 0], 24),    // IETF protocol assignments
        ([192, 0, 2, 0], 24),    // documentation
        ([198, 51, 100, 0], 24), // documentation
        ([203, 0, 113, 0], 24),  // documentation
        ([198, 18, 0, 0], 15),   // benchmarking
        ([192, 88, 99, 0], 24),  // 6to4 relay anycast (deprecated)
        ([224, 0, 0, 0], 4),     // multicast
        ([240, 0, 0, 0], 4),     // reserved, and 255.255.255.255 broadcast
    ];
    if PRIVATE.iter().any(|(n, p)| in_v4(ip, *n, *p)) {
        Class::Private
    } else if NEVER.iter().any(|(n, p)| in_v4(ip, *n, *p)) {
        Class::Never
    } else {
        Class::Global
    }
}

fn classify(ip: IpAddr) -> Class {
    let v6 = match ip {
        IpAddr::V4(v4) => return classify_v4(v4),
        IpAddr::V6(v6) => v6,
    };
    // Addresses that carry an IPv4 address are what that address is: ::ffff:127.0.0.1 is
    // loopback, and so is 127.0.0.1 behind NAT64 or 6to4.
    if let Some(v4) = v6.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let o = v6.octets();
    if in_v6(v6, Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96) {
        return classify_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    if in_v6(v6, Ipv6Addr::new(0x2002, 0, 0, 0, 0, 0, 0, 0), 16) {
        return classify_v4(Ipv4Addr::new(o[2], o[3], o[4], o[5]));
    }
    if v6.is_loopback() || in_v6(v6, Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7) {
        return Class::Private;
    }
    const NEVER: &[(Ipv6Addr, u32)] = &[
        (Ipv6Addr::UNSPECIFIED, 96), // ::, and IPv4-compatible ::a.b.c.d (deprecated)
        (Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0), 48), // local-use NAT64
        (Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0), 64), // discard
        (Ipv6Addr::new(0x2001, 0, 0, 0, 0, 0, 0, 0), 23), // IETF protocol assignments, Teredo
        (Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32), // documentation
        (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20), // documentation
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10), // link-local
        (Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0), 10), // site-local (deprecated)
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8), // multicast
    ];
    if NEVER.iter().any(|(n, p)| in_v6(v6, *n, *p)) {
        Class::Never
    } else {
        Class::Global
    }
}

/// The error a delivery fails with when the policy refused its address; found again in the
/// client's error chain to tell the department "refused by policy" rather than "unreachable".
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("webhook target refused by policy")
    }
}

impl std::error::Error for Refused {}

/// Whether `e` (or anything it wraps) is the policy's refusal.
pub fn is_refusal(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<Refused>() {
            return true;
        }
        cur = err.source();
    }
    false
}

pub type LookupFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Name resolution, injectable so tests can make a name resolve to loopback without DNS.
pub type Lookup = Arc<dyn Fn(String) -> LookupFuture + Send + Sync>;

/// The system resolver (getaddrinfo, through tokio).
pub fn system_lookup() -> Lookup {
    Arc::new(|name: String| {
        Box::pin(async move {
            Ok(tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .map(|a| a.ip())
                .collect())
        })
    })
}

/// Resolves with `lookup`, then refuses the name unless every address it resolved to is
/// allowed: one refused address refuses the name (a rebinding name often answers with both).
pub struct GuardedResolver {
    policy: TargetPolicy,
    lookup: Lookup,
}

impl GuardedResolver {
    pub fn new(policy: TargetPolicy, lookup: Lookup) -> Self {
        Self { policy, lookup }
    }
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let (policy, lookup, name) = (self.policy, self.lookup.clone(), name.as_str().to_owned());
        Box::pin(async move {
            if !policy.allows_name(&name) {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            let ips = lookup(name).await?;
            if ips.is_empty() || ips.iter().any(|ip| !policy.allows(*ip)) {
                return Err(Box::new(Refused) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// How long one delivery attempt may take, connection included.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The delivery client: addresses checked at connection, no redirects, no proxies.
pub fn client(policy: TargetPolicy, lookup: Lookup) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(Arc::new(GuardedResolver::new(policy, lookup)))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hostile_literals_and_names_are_refused_and_public_ones_pass() {
        let p = TargetPolicy::PublicOnly;
        for bad in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://0.0.0.0/",
            "http://0/",
            "http://10.1.2.3/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://255.255.255.255/",
            "http://224.0.0.1/",
            "http://192.0.2.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:7f00:1::]/",
            "http://[fd00::1]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "http://[2001:db8::1]/",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://api.localhost/",
        ] {
            assert!(!p.allows_url(&url(bad)), "{bad}");
        }
        for good in [
            "https://dept.example.gov.cn/hook",
            "http://8.8.8.8/",
            "http://[2400:3200::1]/",
            "http://[::ffff:8.8.8.8]/",
            "http://intranet/",
        ] {
            assert!(p.allows_url(&url(good)), "{good}");
        }
    }

    #[test]
    fn allowing_private_still_refuses_link_local_and_the_like() {
        let p = TargetPolicy::AllowPrivate;
        for ok in [
            "http://127.0.0.1:9000/",
            "http://10.0.0.5/",
            "http://[fd00::5]/",
            "http://localhost/",
        ] {
            assert!(p.allows_url(&url(ok)), "{ok}");
        }
        for bad in [
            "http://169.254.169.254/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
            "http://[::]/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
        ] {
            assert!(!p.allows_url(&url(bad)), "{bad}");
        }
    }

    fn fixed(ips: &'static [&'static str]) -> Lookup {
        Arc::new(move |_name| {
            Box::pin(async move { Ok(ips.iter().map(|s| s.parse().unwrap()).collect()) })
        })
    }

    async fn resolve(policy: TargetPolicy, ips: &'static [&'static str]) -> Result<(), bool> {
        let r = GuardedResolver::new(policy, fixed(ips));
        match r.resolve("rebind.example".parse().unwrap()).await {
            Ok(_) => Ok(()),
            Err(e) => Err(is_refusal(e.as_ref())),
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_resolves_to_an_internal_address() {
        let p = TargetPolicy::PublicOnly;
        assert_eq!(resolve(p, &["93.184.216.34"]).await, Ok(()));
        assert_eq!(resolve(p, &["127.0.0.1"]).await, Err(true));
        assert_eq!(resolve(p, &["93.184.216.34", "10.0.0.1"]).await, Err(true));
        assert_eq!(resolve(p, &["::ffff:169.254.169.254"]).await, Err(true));
        assert_eq!(resolve(p, &[]).await, Err(true));
        let p = TargetPolicy::AllowPrivate;
        assert_eq!(resolve(p, &["127.0.0.1"]).await, Ok(()));
        assert_eq!(resolve(p, &["169.254.169.254"]).await, Err(true));
    }

    #[tokio::test]
    async fn a_delivery_to_a_name_resolving_to_loopback_never_connects() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = tokio::spawn(async move { listener.accept().await.is_ok() });
        let c = client(TargetPolicy::PublicOnly, fixed(&["127.0.0.1"])).unwrap();
        let e = c
            .post(format!("http://rebind.example:{port}/hook"))
            .send()
            .await
            .unwrap_err();
        assert!(is_refusal(&e), "{e:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!accepted.is_finished(), "no connection was made");
        accepted.abort();
    }
}
