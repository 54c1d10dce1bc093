//! `oneseal cert verify|export`: offline checks of sealed bundles. No server, no database,
//! no network: a bundle and the bureau's published trust file are enough.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Subcommand;
use oneseal_seal::bundle::{BundleError, SealedBundle, TrustFile, export_bundle, verify_bundle};

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Verify a sealed bundle against a trust file. Exit 0: valid; exit 1: invalid (reason given).
    Verify {
        /// The sealed bundle (JSON, format oneseal-bundle/1).
        bundle: PathBuf,
        /// The bureau's trust file (JSON, format oneseal-trust/1).
        #[arg(long)]
        trust: PathBuf,
    },
    /// Write the parts of a bundle as separate files, e.g. to check the signature with OpenSSL.
    Export {
        /// The sealed bundle.
        bundle: PathBuf,
        /// Directory to write into (created if missing; existing files are replaced).
        #[arg(long)]
        out: PathBuf,
    },
}

/// File names written by `cert export`, in the order listed to the user.
pub const EXPORT_FILES: [&str; 7] = [
    "document.json",
    "tbs.der",
    "signature.der",
    "seal-public.pem",
    "seal.der",
    "entry.json",
    "receipt.txt",
];

pub fn run(cmd: CertCommand) -> Result<()> {
    match cmd {
        CertCommand::Verify { bundle, trust } => {
            if verify(&bundle, &trust)? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        CertCommand::Export { bundle, out } => export(&bundle, &out),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Prints the verdict; returns whether the bundle is valid. Unreadable files are errors
/// (exit 1 as well, through `main`), unparsable ones are verdicts.
fn verify(bundle_path: &Path, trust_path: &Path) -> Result<bool> {
    let bundle_bytes = read(bundle_path)?;
    let trust_bytes = read(trust_path)?;
    let outcome = TrustFile::from_json(&trust_bytes)
        .map_err(BundleError::Trust)
        .and_then(|trust| {
            SealedBundle::from_json(&bundle_bytes).and_then(|b| verify_bundle(&b, &trust))
        });
    match outcome {
        Ok(verdict) => {
            print!("{}", verdict.summary_zh());
            print!("{}", verdict.summary_en());
            Ok(true)
        }
        Err(e) => {
            println!("无效：{}", e.reason_zh());
            println!("INVALID: {e}");
            Ok(false)
        }
    }
}

fn export(bundle_path: &Path, out: &Path) -> Result<()> {
    let bundle = SealedBundle::from_json(&read(bundle_path)?)
        .with_context(|| format!("reading bundle {}", bundle_path.display()))?;
    let parts = export_bundle(&bundle).context("splitting the bundle")?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let contents: [&[u8]; 7] = [
        &parts.document,
        &parts.tbs_der,
        &parts.signature_value_der,
        parts.signer_public_key_pem.as_bytes(),
        &parts.seal_der,
        &parts.ledger_entry,
        parts.receipt.as_bytes(),
    ];
    for (name, bytes) in EXPORT_FILES.iter().zip(contents) {
        let path = out.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    println!(
        "check the signature independently with:\n  cd {} && openssl dgst -sm3 -verify seal-public.pem -sigopt distid:1234567812345678 -signature signature.der tbs.der",
        out.display()
    );
    Ok(())
}
