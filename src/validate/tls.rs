//! TLS files: the certificate is a PEM X.509 certificate, and the key is an
//! unencrypted PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC; an OpenSSH
//! key is refused) whose public half is the certificate's, as nginx
//! requires (`SSL_CTX_use_PrivateKey` fails with "key values mismatch").
//!
//! The formats are parsed with the `RustCrypto` crates `x509-cert`, `pkcs8`, `pkcs1`
//! and `sec1`, which only read DER: no cryptographic arithmetic is needed
//! to compare an RSA key (modulus and exponent) or an EC key (which carries
//! its public point). An Ed25519 key does not carry its public half, so it
//! is derived with `ed25519-dalek`.

use x509_cert::Certificate;
use x509_cert::der::{Decode as _, pem};
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::spki::ObjectIdentifier;

/// `rsaEncryption`.
const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// `id-ecPublicKey`.
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// `id-Ed25519`.
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// The public key of a certificate or of a private key, in a form two can
/// be compared in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// RSA: modulus and public exponent, big-endian without leading zeros.
    Rsa {
        /// `n`.
        modulus: Vec<u8>,
        /// `e`.
        exponent: Vec<u8>,
    },
    /// An elliptic-curve point on a named curve (SEC1 encoding).
    Ec {
        /// The curve's OID.
        curve: ObjectIdentifier,
        /// The point, compressed or not.
        point: Vec<u8>,
    },
    /// Any other algorithm: its OID and the raw public key bytes.
    Other {
        /// The algorithm's OID.
        algorithm: ObjectIdentifier,
        /// The key.
        key: Vec<u8>,
    },
}

/// Why a key file is not a key nginx can use with the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// No PEM private key block at all.
    NotPem,
    /// A private key, but not one nginx can load unattended.
    Unusable(String),
}

impl PublicKey {
    /// Whether `self` and `other` are the same key (an EC point may be
    /// compressed in one and not in the other).
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Self::Ec { curve, point },
                Self::Ec {
                    curve: other_curve,
                    point: other_point,
                },
            ) => curve == other_curve && same_point(point, other_point),
            _ => self == other,
        }
    }
}

/// The DNS names of the first certificate in `pem_text` (its subject
/// alternative names, which clients check), or `None` when there is no
/// readable certificate or it has no such extension.
pub fn certificate_dns_names(pem_text: &[u8]) -> Option<Vec<String>> {
    let (_, der) = pem_blocks(pem_text)
        .into_iter()
        .find(|(label, _)| label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE")?;
    let certificate = Certificate::from_der(&der).ok()?;
    let (_, names) = certificate
        .tbs_certificate()
        .get_extension::<SubjectAltName>()
        .ok()??;
    Some(
        names
            .0
            .iter()
            .filter_map(|name| match name {
                GeneralName::DnsName(dns) => Some(dns.to_string()),
                _ => None,
            })
            .collect(),
    )
}

/// Whether a certificate's DNS name `pattern` (`example.com`, or
/// `*.example.com` for one label in front) names `host`, as clients match.
pub fn name_covers(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest.eq_ignore_ascii_case(parent)),
        None => pattern.eq_ignore_ascii_case(host),
    }
}

/// The public key of the first certificate in `pem_text` (the server's
/// own; a chain follows it), or `None` when there is no PEM certificate.
pub fn certificate_key(pem_text: &[u8]) -> Option<PublicKey> {
    let (_, der) = pem_blocks(pem_text)
        .into_iter()
        .find(|(label, _)| label == "CERTIFICATE" || label == "TRUSTED CERTIFICATE")?;
    let certificate = Certificate::from_der(&der).ok()?;
    let info = certificate.tbs_certificate().subject_public_key_info();
    let bits = info.subject_public_key.raw_bytes();
    let algorithm = info.algorithm.oid;
    if algorithm == RSA {
        let key = pkcs1::RsaPublicKey::<pkcs1::UintRef<'_>>::from_der(bits).ok()?;
        Some(PublicKey::Rsa {
            modulus: key.modulus.as_bytes().to_vec(),
            exponent: key.public_exponent.as_bytes().to_vec(),
        })
    } else if algorithm == EC {
        let curve = info.algorithm.parameters.as_ref()?.decode_as().ok()?;
        Some(PublicKey::Ec {
            curve,
            point: bits.to_vec(),
        })
    } else {
        Some(PublicKey::Other {
            algorithm,
            key: bits.to_vec(),
        })
    }
}

/// The public half of the private key in `pem_text`.
pub fn private_key(pem_text: &[u8]) -> Result<PublicKey, KeyProblem> {
    let text = String::from_utf8_lossy(pem_text);
    if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
        return Err(unusable("it is an OpenSSH key, which nginx cannot read"));
    }
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")
    {
        return Err(unusable(
            "it is encrypted, and nginx would wait for a passphrase at start-up",
        ));
    }
    let Some((label, der)) = pem_blocks(pem_text)
        .into_iter()
        .find(|(label, _)| label.ends_with("PRIVATE KEY"))
    else {
        return Err(KeyProblem::NotPem);
    };
    match label.as_str() {
        "PRIVATE KEY" => pkcs8_key(&der),
        "RSA PRIVATE KEY" => rsa_key(&der),
        "EC PRIVATE KEY" => ec_key(&der, None),
        other => Err(unusable(&format!("stackgen does not know `{other}` keys"))),
    }
}

/// Every PEM block of `text` that decodes, with its label.
fn pem_blocks(text: &[u8]) -> Vec<(String, Vec<u8>)> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(start) = find(rest, BEGIN) {
        let block = &rest[start..];
        let Some(end) = find(block, END) else {
            break;
        };
        // The end line runs to the next newline (or the end of the text).
        let tail = &block[end..];
        let line_end = tail
            .iter()
            .position(|&b| b == b'\n')
            .map_or(tail.len(), |p| p + 1);
        let whole = &block[..end + line_end];
        if let Ok((label, der)) = pem::decode_vec(whole) {
            blocks.push((label.to_owned(), der));
        }
        rest = &block[end + line_end..];
    }
    blocks
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A PKCS#8 `PRIVATE KEY`.
fn pkcs8_key(der: &[u8]) -> Result<PublicKey, KeyProblem> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der)
        .map_err(|_| unusable("its PKCS#8 structure does not parse"))?;
    let algorithm = info.algorithm.oid;
    let private = info.private_key.as_bytes();
    if algorithm == RSA {
        rsa_key(private)
    } else if algorithm == EC {
        let curve = info
            .algorithm
            .parameters
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        ec_key(private, curve)
    } else if let Some(public) = info
        .public_key
        .as_ref()
        .and_then(x509_cert::der::asn1::BitStringRef::as_bytes)
    {
        Ok(PublicKey::Other {
            algorithm,
            key: public.to_vec(),
        })
    } else if algorithm == ED25519 {
        // The private key is an OCTET STRING holding the 32-byte seed.
        let seed = <&x509_cert::der::asn1::OctetStringRef>::from_der(private)
            .ok()
            .and_then(|octets| <[u8; 32]>::try_from(octets.as_bytes()).ok())
            .ok_or_else(|| unusable("its Ed25519 seed is not 32 bytes"))?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        Ok(PublicKey::Other {
            algorithm,
            key: public.to_bytes().to_vec(),
        })
    } else {
        Err(unusable(&format!(
            "stackgen cannot check a key of algorithm {algorithm} without its public half"
        )))
    }
}

/// A PKCS#1 `RSA PRIVATE KEY`.
fn rsa_key(der: &[u8]) -> Result<PublicKey, KeyProblem> {
    let key = pkcs1::RsaPrivateKey::<pkcs1::UintRef<'_>>::from_der(der)
        .map_err(|_| unusable("its RSA key structure does not parse"))?;
    Ok(PublicKey::Rsa {
        modulus: key.modulus.as_bytes().to_vec(),
        exponent: key.public_exponent.as_bytes().to_vec(),
    })
}

/// A SEC1 `EC PRIVATE KEY`, on `curve` when PKCS#8 names it outside.
fn ec_key(der: &[u8], curve: Option<ObjectIdentifier>) -> Result<PublicKey, KeyProblem> {
    let key = sec1::EcPrivateKey::from_der(der)
        .map_err(|_| unusable("its EC key structure does not parse"))?;
    let curve = curve
        .or_else(|| {
            key.parameters
                .map(|sec1::EcParameters::NamedCurve(oid)| oid)
        })
        .ok_or_else(|| unusable("it does not name its curve"))?;
    let point = key.public_key.ok_or_else(|| {
        unusable(
            "it does not carry its public key; write it again with `openssl ec -in KEY -out KEY`",
        )
    })?;
    Ok(PublicKey::Ec {
        curve,
        point: point.to_vec(),
    })
}

fn unusable(reason: &str) -> KeyProblem {
    KeyProblem::Unusable(reason.to_owned())
}

/// Whether two SEC1 points are the same, either compressed (`02`/`03` + x)
/// or not (`04` + x + y).
fn same_point(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    let compressed = |point: &[u8]| -> Option<(u8, Vec<u8>)> {
        match point.split_first()? {
            (&tag @ (2 | 3), x) => Some((tag, x.to_vec())),
            (4, xy) if xy.len() % 2 == 0 => {
                let (x, y) = xy.split_at(xy.len() / 2);
                Some((2 + (y.last()? & 1), x.to_vec()))
            }
            _ => None,
        }
    };
    matches!((compressed(a), compressed(b)), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test keys and certificates: each `NAME.crt` belongs to the keys
    /// named `NAME-*.key` (see `tests/invalid/tls/README.md`).
    const FOLDER: &str = "tests/invalid/tls";

    #[test]
    fn every_key_matches_its_certificate_and_no_other() {
        let mut certificates = Vec::new();
        let mut keys = Vec::new();
        for entry in std::fs::read_dir(FOLDER).expect("test keys") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let contents = std::fs::read(&path).expect("read");
            let extension = path.extension().and_then(|e| e.to_str());
            if let (Some("crt"), Some(stem)) = (extension, name.strip_suffix(".crt")) {
                certificates.push((stem.to_owned(), certificate_key(&contents).expect(&name)));
            } else if extension == Some("key") && name.contains('-') {
                keys.push((name.clone(), private_key(&contents).expect(&name)));
            }
        }
        assert_eq!(certificates.len(), 4, "rsa, ec, ec384, ed25519");
        assert_eq!(keys.len(), 6);
        for (stem, certificate) in &certificates {
            for (name, key) in &keys {
                let belongs = name.starts_with(&format!("{stem}-"));
                assert_eq!(certificate.same_as(key), belongs, "{stem}.crt and {name}");
            }
        }
    }

    #[test]
    fn the_example_key_belongs_to_the_example_certificate() {
        let certificate = std::fs::read("examples/certs/dev.crt").expect("certificate");
        let key = std::fs::read("examples/certs/dev.key").expect("key");
        let from_certificate = certificate_key(&certificate).expect("a certificate");
        let from_key = private_key(&key).expect("a key");
        assert!(matches!(from_key, PublicKey::Rsa { .. }));
        assert!(from_certificate.same_as(&from_key));
    }

    #[test]
    fn a_certificate_names_its_dns_names_and_wildcards_one_label() {
        let certificate = std::fs::read("examples/certs/dev.crt").expect("certificate");
        assert_eq!(
            certificate_dns_names(&certificate),
            Some(vec!["localhost".to_owned()])
        );
        assert_eq!(certificate_dns_names(b"no PEM here"), None);
        assert!(name_covers("example.com", "EXAMPLE.com"));
        assert!(name_covers("*.example.com", "grafana.example.com"));
        assert!(!name_covers("*.example.com", "example.com"));
        assert!(!name_covers("*.example.com", "a.b.example.com"));
        assert!(!name_covers("localhost", "grafana.localhost"));
    }

    #[test]
    fn points_compare_compressed_or_not() {
        let x = [7_u8; 32];
        let mut y = [9_u8; 32];
        let uncompressed: Vec<u8> = [&[4][..], &x, &y].concat();
        let compressed_odd: Vec<u8> = [&[3][..], &x].concat();
        let compressed_even: Vec<u8> = [&[2][..], &x].concat();
        assert!(same_point(&uncompressed, &compressed_odd));
        assert!(!same_point(&uncompressed, &compressed_even));
        y[31] = 8;
        let even: Vec<u8> = [&[4][..], &x, &y].concat();
        assert!(same_point(&even, &compressed_even));
    }

    #[test]
    fn keys_nginx_cannot_use_are_refused() {
        let read = |name: &str| std::fs::read(format!("{FOLDER}/{name}")).expect("test key");
        let openssh = read("openssh.key");
        assert!(
            matches!(private_key(&openssh), Err(KeyProblem::Unusable(r)) if r.contains("OpenSSH"))
        );
        let encrypted = read("encrypted.key");
        assert!(
            matches!(private_key(&encrypted), Err(KeyProblem::Unusable(r)) if r.contains("encrypted"))
        );
        let certificate = std::fs::read("examples/certs/dev.crt").expect("certificate");
        assert_eq!(private_key(&certificate), Err(KeyProblem::NotPem));
        assert_eq!(private_key(b"hello"), Err(KeyProblem::NotPem));
        assert_eq!(certificate_key(b"hello"), None);
    }
}
