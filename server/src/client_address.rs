//! Who a request comes from: the address the listener saw, or, behind reverse proxies the
//! merchant names (`TRUSTED_PROXIES`), the address they forwarded (`Forwarded`, RFC 7239, else
//! `X-Forwarded-For`), as far as the trusted hops go. A forwarded header is never read from a
//! peer that is not a trusted proxy: any client can write one.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The proxies in front of the server, by address or network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses (`127.0.0.1`, `::1`) and networks (`10.0.0.0/8`).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("`{item}` is neither an IP address nor a network"))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client of a request that came from `peer` with `headers`: the nearest forwarded hop
    /// that is not a trusted proxy, walking back from the peer.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> String {
        if !self.trusts(peer) {
            return canonical(peer).to_string();
        }
        let hops = forwarded_hops(headers);
        let mut nearest = canonical(peer).to_string();
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(address) if self.trusts(address) => nearest = canonical(address).to_string(),
                Ok(address) => return canonical(address).to_string(),
                // An obfuscated identifier (`_gazonk`) or `unknown`: as far as anyone can tell.
                Err(_) => return hop.clone(),
            }
        }
        nearest
    }
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarded hops, nearest the client first: `Forwarded`'s `for=` when the proxies send
/// it, else `X-Forwarded-For`; every header line in order. Ports and brackets are removed.
fn forwarded_hops(headers: &HeaderMap) -> Vec<String> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|element| element.trim().to_string())
            .filter(|element| !element.is_empty())
            .collect()
    };
    let forwarded: Vec<String> = values("forwarded")
        .iter()
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| node(value.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values("x-forwarded-for")
        .iter()
        .map(|element| node(element))
        .collect()
}

/// A node without its port: `[2001:db8::1]:4711` → `2001:db8::1`, `192.0.2.1:80` →
/// `192.0.2.1`; anything else as it is.
fn node(value: &str) -> String {
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default().to_string();
    }
    match value.split_once(':') {
        // One colon: an IPv4 address (or a name) and a port. More: a bare IPv6 address.
        Some((host, port)) if !port.contains(':') => host.to_string(),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, value.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_peer_that_is_no_trusted_proxy_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client(ip("198.51.100.7"), &spoofed), "198.51.100.7");
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(proxies.client(ip("198.51.100.7"), &spoofed), "198.51.100.7");
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        // A client-written hop on the left is not believed past the first untrusted one.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.9, 10.1.2.3")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &chain), "203.0.113.9");
        let two_lines = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "198.51.100.2"),
        ]);
        assert_eq!(proxies.client(ip("10.0.0.5"), &two_lines), "198.51.100.2");
        // Nothing forwarded: the proxy itself.
        assert_eq!(
            proxies.client(ip("127.0.0.1"), &HeaderMap::new()),
            "127.0.0.1"
        );
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &chain),
            "203.0.113.9"
        );
    }

    #[test]
    fn forwarded_is_read_before_x_forwarded_for() {
        let proxies = TrustedProxies::parse("::1, 127.0.0.1").unwrap();
        let both = headers(&[
            (
                "forwarded",
                r#"for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711""#,
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ]);
        assert_eq!(proxies.client(ip("::1"), &both), "2001:db8:cafe::17");
        let obfuscated = headers(&[("forwarded", "for=_hidden, for=127.0.0.1:8080")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &obfuscated), "_hidden");
    }

    #[test]
    fn a_list_that_is_not_addresses_says_which_item() {
        let error = TrustedProxies::parse("127.0.0.1, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
    }
}
