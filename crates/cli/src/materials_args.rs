//! `serve`'s material store options: where the cases' files are kept (a directory, or an
//! S3-compatible bucket for several servers) and how large they may be.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use oneseal_server::services::materials::{
    LocalDir, MaterialLimits, MaterialStore, Materials, S3Config, S3Store,
};

#[derive(Debug, Clone, Args)]
pub struct MaterialArgs {
    /// Directory of the cases' material files (content-addressed by SHA-256). Default:
    /// <data>/materials. Ignored with --materials-s3-endpoint.
    #[arg(long)]
    pub materials_dir: Option<PathBuf>,
    /// Keep the material files in an S3-compatible bucket at this endpoint (`http://…`: this
    /// build has no TLS client, so an https bucket is reached through a local TLS proxy), for
    /// several servers sharing one database. Credentials: AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY.
    #[arg(long, requires = "materials_s3_bucket")]
    pub materials_s3_endpoint: Option<String>,
    /// The bucket (created at start if missing).
    #[arg(long)]
    pub materials_s3_bucket: Option<String>,
    /// The bucket's region.
    #[arg(long, default_value = "us-east-1")]
    pub materials_s3_region: String,
    /// Address the bucket as `<bucket>.<endpoint host>` (AWS) instead of `<endpoint>/<bucket>`
    /// (S3-compatible servers).
    #[arg(long)]
    pub materials_s3_virtual_host: bool,
    /// Largest material file, in MiB.
    #[arg(long, default_value_t = 20)]
    pub materials_max_file_mb: u64,
    /// Largest total of one case's material files, in MiB.
    #[arg(long, default_value_t = 100)]
    pub materials_max_case_mb: u64,
}

impl MaterialArgs {
    /// The store and limits `serve` runs with (a bucket is checked, and created if missing).
    pub async fn materials(&self, data: &Path) -> Result<Arc<Materials>> {
        if self.materials_max_file_mb == 0
            || self.materials_max_case_mb < self.materials_max_file_mb
        {
            anyhow::bail!(
                "--materials-max-file-mb must be at least 1 and at most --materials-max-case-mb"
            );
        }
        let limits = MaterialLimits {
            max_file: self.materials_max_file_mb << 20,
            max_case: self.materials_max_case_mb << 20,
        };
        let store = match (&self.materials_s3_endpoint, &self.materials_s3_bucket) {
            (Some(endpoint), Some(bucket)) => {
                let var = |name: &str| {
                    std::env::var(name)
                        .with_context(|| format!("{name} (the bucket's credentials)"))
                };
                let store = S3Store::new(&S3Config {
                    endpoint: endpoint.clone(),
                    bucket: bucket.clone(),
                    region: self.materials_s3_region.clone(),
                    path_style: !self.materials_s3_virtual_host,
                    access_key: var("AWS_ACCESS_KEY_ID")?,
                    secret_key: var("AWS_SECRET_ACCESS_KEY")?,
                })?;
                store
                    .ensure_bucket()
                    .await
                    .with_context(|| format!("the material bucket {bucket} at {endpoint}"))?;
                MaterialStore::S3(store)
            }
            _ => {
                let dir = self
                    .materials_dir
                    .clone()
                    .unwrap_or_else(|| data.join("materials"));
                // Applicants' documents: only the server's owner may enter (as the data
                // directory itself).
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                        .with_context(|| format!("restricting {}", dir.display()))?;
                }
                MaterialStore::Local(LocalDir::new(dir))
            }
        };
        Ok(Materials::new(store, limits))
    }
}
