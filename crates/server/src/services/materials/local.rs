//! The material store on local disk: `<dir>/sha256/<2 hex>/<64 hex>`, one file per content.
//!
//! A file is written to `<dir>/tmp/`, fsynced, renamed into place and its directory fsynced, so
//! that an upload acknowledged to the clerk survives a crash whole, and a crash half-way leaves
//! only a `.part` file no one reads (the same filesystem, so the rename is atomic).

use std::io::Write;
use std::path::{Path, PathBuf};

use oneseal_domain::case::Sha256Digest;

use super::storage_error::StorageError;

#[derive(Debug, Clone)]
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, sha: &Sha256Digest) -> PathBuf {
        let hex = sha.as_str();
        self.root.join("sha256").join(&hex[..2]).join(hex)
    }

    pub async fn put(&self, sha: &Sha256Digest, bytes: Vec<u8>) -> Result<(), StorageError> {
        let (root, path) = (self.root.clone(), self.path_of(sha));
        let name = sha.as_str().to_owned();
        tokio::task::spawn_blocking(move || write_atomically(&root, &path, &name, &bytes))
            .await
            .map_err(|e| StorageError(format!("writer thread: {e}")))?
            .map_err(|e| StorageError(format!("writing a material: {e}")))
    }

    pub async fn get(&self, sha: &Sha256Digest) -> Result<Option<Vec<u8>>, StorageError> {
        match tokio::fs::read(self.path_of(sha)).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StorageError(format!("reading a material: {e}"))),
        }
    }
}

fn write_atomically(root: &Path, path: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    // Content-addressed: a file already in place holds these very bytes.
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(root);
    std::fs::create_dir_all(dir)?;
    let tmp_dir = root.join("tmp");
    std::fs::create_dir_all(&tmp_dir)?;
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| std::io::Error::other(e.to_string()))?;
    let tmp = tmp_dir.join(format!("{name}.{}.part", hex::encode(nonce)));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // The rename is durable once the directory that names the file is.
        std::fs::File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_is_written_once_under_its_digest() {
        let dir = std::env::temp_dir().join(format!("oneseal-materials-{}", std::process::id()));
        let store = LocalDir::new(&dir);
        let sha = Sha256Digest::of(b"%PDF-1.7 one");
        assert_eq!(store.get(&sha).await.unwrap(), None);
        store.put(&sha, b"%PDF-1.7 one".to_vec()).await.unwrap();
        store.put(&sha, b"%PDF-1.7 one".to_vec()).await.unwrap();
        assert_eq!(store.get(&sha).await.unwrap().unwrap(), b"%PDF-1.7 one");
        let hex = sha.as_str();
        assert!(dir.join("sha256").join(&hex[..2]).join(hex).is_file());
        // Nothing is left half-written beside it.
        assert_eq!(std::fs::read_dir(dir.join("tmp")).unwrap().count(), 0);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
