//! Seal fixtures for tests, in one place: a deterministic RNG, fixed keys, and the one seal
//! description every test starts from ([`SealInfoBuilder`]).
//!
//! Why it exists: the same `SealInfo` (济南市行政审批服务局行政审批专用章, `37010000000001`) was
//! written out in each test that needed a seal; a test now names only what differs. Compiled for
//! this crate's unit tests and, with the `test-util` feature, for other crates' tests (a
//! dev-dependency turns it on); never in a production build.

// A fixture's job is to stop the test loudly when it cannot be built.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use core::convert::Infallible;

use sm2::elliptic_curve::rand_core::{TryCryptoRng, TryRng};
use sm3::{Digest, Sm3};

use crate::key::SealPrivateKey;
use crate::picture::{RoundSealSpec, render_round_seal_svg};
use crate::ses::{Seal, SealInfo, SealPicture, SesSignature, sign_document};
use crate::time::SealTime;

/// SM3 in counter mode: deterministic, so tests are reproducible. Not for production.
pub struct TestRng {
    seed: [u8; 32],
    counter: u64,
}

impl TestRng {
    pub fn new(label: &str) -> Self {
        Self {
            seed: Sm3::digest(label.as_bytes()).into(),
            counter: 0,
        }
    }
}

impl TryRng for TestRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(32) {
            let block = Sm3::new()
                .chain_update(self.seed)
                .chain_update(self.counter.to_be_bytes())
                .finalize();
            self.counter += 1;
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for TestRng {}

pub fn key(label: &str) -> SealPrivateKey {
    SealPrivateKey::generate(&mut TestRng::new(label)).unwrap()
}

pub fn t(year: u16, month: u8, day: u8) -> SealTime {
    SealTime::from_utc(year, month, day, 0, 0, 0).unwrap()
}

/// The fixture seal's description, with what a test changes. Unless told otherwise:
/// `es_id` 37010000000001, vendor `oneseal`, type 1, named 济南市行政审批服务局行政审批专用章,
/// made 2025-12-20, valid 2026-01-01 .. 2028-12-31 (midnight UTC), one authorised signer, and a
/// 42 × 42 mm picture `<svg/>`.
#[derive(Debug, Clone)]
pub struct SealInfoBuilder(SealInfo);

impl SealInfoBuilder {
    /// The fixture seal, with `signer` its one authorised signer.
    pub fn new(signer: &SealPrivateKey) -> Self {
        Self(SealInfo {
            es_id: "37010000000001".into(),
            vendor_id: "oneseal".into(),
            seal_type: 1,
            name: "济南市行政审批服务局行政审批专用章".into(),
            signers: vec![signer.public_key()],
            create_date: t(2025, 12, 20),
            valid_start: t(2026, 1, 1),
            valid_end: t(2028, 12, 31),
            picture: SealPicture {
                format: "SVG".into(),
                data: b"<svg/>".to_vec(),
                width_mm: 42,
                height_mm: 42,
            },
            extensions: Vec::new(),
        })
    }

    pub fn es_id(mut self, es_id: &str) -> Self {
        es_id.clone_into(&mut self.0.es_id);
        self
    }

    pub fn name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.0.name);
        self
    }

    /// Made at `created`, valid from `from` to `to`.
    pub fn dates(mut self, created: SealTime, from: SealTime, to: SealTime) -> Self {
        self.0.create_date = created;
        self.0.valid_start = from;
        self.0.valid_end = to;
        self
    }

    /// Valid until `to` (the other dates as they are).
    pub fn valid_until(mut self, to: SealTime) -> Self {
        self.0.valid_end = to;
        self
    }

    /// The red round picture the server draws for the bureau's seal, instead of `<svg/>`.
    pub fn round_picture(mut self) -> Self {
        let svg = render_round_seal_svg(&RoundSealSpec::standard(
            "济南市行政审批服务局",
            "行政审批专用章",
        ))
        .unwrap();
        self.0.picture.data = svg.into_bytes();
        self
    }

    pub fn build(self) -> SealInfo {
        self.0
    }

    /// The seal, signed by `maker`.
    pub fn make(self, maker: &SealPrivateKey) -> Seal {
        Seal::make(&self.0, maker).unwrap()
    }
}

/// The fixture seal's description (see [`SealInfoBuilder`]).
pub fn seal_info(signer: &SealPrivateKey) -> SealInfo {
    SealInfoBuilder::new(signer).build()
}

pub struct Fixture {
    pub maker: SealPrivateKey,
    pub signer: SealPrivateKey,
    pub seal: Seal,
}

pub fn fixture() -> Fixture {
    let maker = key("maker");
    let signer = key("signer");
    let seal = Seal::make(&seal_info(&signer), &maker).unwrap();
    Fixture {
        maker,
        signer,
        seal,
    }
}

pub fn signed(f: &Fixture) -> SesSignature {
    let hash = crate::sm3_digest(b"decision 2026-0001");
    sign_document(
        &f.seal,
        &f.signer,
        &hash,
        "JN-2026-0001",
        SealTime::from_utc(2026, 9, 15, 8, 30, 0).unwrap(),
    )
    .unwrap()
}
