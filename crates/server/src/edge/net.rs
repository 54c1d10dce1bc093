//! Where the bureau is on the network: its public base URL and the proxies it trusts.
//!
//! A request's `Host:` header is chosen by whoever sends it, so nothing the server publishes
//! (the log policy, a QR code, a link) or decides (cookie flags, the cross-origin check) may
//! depend on it. The operator names the public URL once (`serve --public-url https://…`); an
//! `https` URL turns on the `__Host-` session cookie with `Secure`, and HSTS. Behind a
//! TLS-terminating reverse proxy the peer is the proxy: `X-Forwarded-For` names the client, but
//! only when the peer is a proxy the operator listed (`--trusted-proxy`), since anyone else can
//! write that header too.

use std::net::{IpAddr, SocketAddr};

use axum::http::HeaderMap;

/// The bureau's public base URL: scheme, host and optional port, no path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl {
    origin: String,
    https: bool,
}

impl PublicUrl {
    /// Parses `http(s)://host[:port]` (a trailing `/` is dropped; a path, query, fragment or
    /// credentials are refused: the URL is an origin).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim().trim_end_matches('/');
        let (https, rest) = if let Some(r) = s.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(format!("{s:?} is not an http:// or https:// URL"));
        };
        let bad = |c: char| matches!(c, '/' | '?' | '#' | '@') || c.is_whitespace();
        if rest.is_empty() || rest.contains(bad) || rest.starts_with(':') {
            return Err(format!(
                "{s:?} must be scheme://host[:port], without path or credentials"
            ));
        }
        Ok(Self {
            origin: format!(
                "{}://{}",
                if https { "https" } else { "http" },
                rest.to_ascii_lowercase()
            ),
            https,
        })
    }

    /// `scheme://host[:port]`, as a browser writes it in `Origin:`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn https(&self) -> bool {
        self.https
    }
}

/// An address or a network (`10.0.0.0/8`, `::1`) of a trusted reverse proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProxyNet {
    addr: IpAddr,
    prefix: u8,
}

impl ProxyNet {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (a, p) = s.trim().split_once('/').unwrap_or((s.trim(), ""));
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("{s:?} is not an IP address or network"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if p.is_empty() {
            max
        } else {
            p.parse::<u8>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?
        };
        Ok(Self { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// An IPv4 client seen through an IPv6 socket is the IPv4 client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The network settings of one server process.
#[derive(Clone, Debug, Default)]
pub struct Net {
    /// The public URL the operator configured, if any.
    pub public_url: Option<PublicUrl>,
    /// Where links point when no public URL was configured: the listening address, never a
    /// request's `Host:` (set by `start`).
    pub fallback_base: Option<String>,
    pub trusted_proxies: Vec<ProxyNet>,
}

impl Net {
    /// The absolute base of every link the server publishes (no trailing slash).
    pub fn base_url(&self) -> &str {
        self.public_url
            .as_ref()
            .map(PublicUrl::origin)
            .or(self.fallback_base.as_deref())
            .unwrap_or("http://127.0.0.1:8080")
    }

    /// Whether the bureau is reached over HTTPS (cookie `Secure`, `__Host-` prefix, HSTS).
    pub fn https(&self) -> bool {
        self.public_url.as_ref().is_some_and(PublicUrl::https)
    }

    /// The client's address: the peer, or — when the peer is a trusted proxy — the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy. Proxies append, so
    /// everything left of the first untrusted hop may have been written by the client.
    pub fn client_addr(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = canonical(peer?.ip());
        if !self.trusted(peer) {
            return Some(peer);
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|h| h.trim().parse::<IpAddr>().ok().map(canonical))
            .collect::<Option<Vec<_>>>()
            // An unparsable hop: the chain cannot be read, so the proxy itself is the client.
            .unwrap_or_default();
        Some(
            hops.into_iter()
                .rev()
                .find(|ip| !self.trusted(*ip))
                .unwrap_or(peer),
        )
    }

    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|p| p.contains(ip))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn a_public_url_is_an_origin() {
        let u = PublicUrl::parse("https://Approval.Example.gov.cn/").unwrap();
        assert_eq!(u.origin(), "https://approval.example.gov.cn");
        assert!(u.https());
        let u = PublicUrl::parse("http://10.0.0.5:8080").unwrap();
        assert!(!u.https());
        for bad in [
            "ftp://x",
            "https://",
            "https://a/b",
            "https://u:p@a",
            "https://a?x",
            "a.example",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn proxy_networks_match_their_addresses_only() {
        let n = ProxyNet::parse("10.1.0.0/16").unwrap();
        assert!(n.contains("10.1.200.3".parse().unwrap()));
        assert!(!n.contains("10.2.0.1".parse().unwrap()));
        assert!(n.contains("::ffff:10.1.0.1".parse().unwrap()));
        let one = ProxyNet::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!(
            ProxyNet::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(ProxyNet::parse("10.0.0.0/33").is_err());
        assert!(ProxyNet::parse("proxy.local").is_err());
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 203.0.113.7, 10.0.0.2"),
        );
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        let open = Net::default();
        assert_eq!(open.client_addr(Some(peer), &h), Some(peer.ip()));
        let behind = Net {
            trusted_proxies: vec![ProxyNet::parse("10.0.0.0/8").unwrap()],
            ..Net::default()
        };
        // The client may have written 1.1.1.1; the first hop left of our proxies is the client.
        assert_eq!(
            behind.client_addr(Some(peer), &h),
            Some("203.0.113.7".parse().unwrap())
        );
        let other: SocketAddr = "198.51.100.1:5000".parse().unwrap();
        assert_eq!(behind.client_addr(Some(other), &h), Some(other.ip()));
        h.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(behind.client_addr(Some(peer), &h), Some(peer.ip()));
    }
}
