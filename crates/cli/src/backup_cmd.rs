//! `oneseal backup` and `oneseal restore`: a consistent copy of the SQLite database, taken while
//! the server runs, and its way back into a data directory.
//!
//! What a backup holds, and why not more:
//! - the database, as of one commit (`VACUUM INTO`, see `oneseal_store::backup`);
//! - not the master key unless `--include-master-key`: the key decrypts the bureau's seal and
//!   log signing keys, so a backup file that carries it can seal documents in the bureau's name.
//!   Keep the key apart (a safe, an HSM, a second custodian) and back it up once;
//! - never the rollback anchors (`<data>/anchors/`): they record the newest signed checkpoint so
//!   that a restored older database is noticed. Restoring them with the database would switch
//!   that guard off;
//! - never the demo witnesses' state: witnesses must remember what they cosigned, or they too
//!   would accept a rolled-back log.
//!
//! PostgreSQL is backed up with pg_dump; `backup` prints the procedure and fails rather than
//! pretend (docs/OPERATIONS.md).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use oneseal_store::Database;
use oneseal_store::backup::{SnapshotInfo, check_snapshot, sqlite_snapshot};

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: crate::serve::DbArgs,
    /// The backup file to write (must not exist): a self-contained SQLite database.
    #[arg(long)]
    pub out: PathBuf,
    /// Also copy the master key file to `<out>.master.key` (mode 0600). Whoever holds both files
    /// can seal in the bureau's name: keep them apart.
    #[arg(long)]
    pub include_master_key: bool,
    /// The master key file (default: <data>/master.key).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file written by `oneseal backup`.
    #[arg(long)]
    pub from: PathBuf,
    /// The data directory to restore into (created if missing).
    #[arg(long, default_value = "oneseal-data")]
    pub data: PathBuf,
    /// Replace an existing database in the data directory. Stop the server first.
    #[arg(long)]
    pub force: bool,
}

/// The PostgreSQL procedure `backup --database-url postgres://…` prints.
pub const POSTGRES_PROCEDURE: &str = "\
PostgreSQL 数据库请用 pg_dump / pg_restore 备份与恢复 — oneseal backup only copies SQLite.
Back up (consistent while the server runs: pg_dump reads one snapshot):
  pg_dump --format=custom --file=oneseal-$(date +%F).dump \"$ONESEAL_DATABASE_URL\"
Restore into a new, empty database (stop the server first):
  createdb oneseal_restored
  pg_restore --no-owner --exit-on-error --dbname=oneseal_restored oneseal-YYYY-MM-DD.dump
  oneseal ledger verify --database-url postgres://…/oneseal_restored
Keep <data>/anchors/ from the newest run: a restored older database is then refused at start.
Back up the master key separately. See docs/OPERATIONS.md.";

pub fn backup(args: BackupArgs) -> Result<()> {
    let src = match args.db.database()? {
        Database::Sqlite(path) => path,
        Database::Postgres(_) => {
            println!("{POSTGRES_PROCEDURE}");
            bail!("oneseal backup does not back up PostgreSQL; use pg_dump as printed above");
        }
    };
    let info = sqlite_snapshot(&src, &args.out)
        .with_context(|| format!("backing up {} to {}", src.display(), args.out.display()))?;
    println!("备份完成 Backup written: {}", args.out.display());
    print_info(&info);
    let key_out = key_file_of(&args.out);
    if args.include_master_key {
        let key = args
            .key_file
            .unwrap_or_else(|| args.db.data.join("master.key"));
        copy_private(&key, &key_out)?;
        println!(
            "主密钥已一并复制 Master key copied to {} — keep it apart from the backup.",
            key_out.display()
        );
    } else {
        println!(
            "主密钥未包含 The master key is NOT in the backup: keep <data>/master.key (or the \
             passphrase) safe separately, or pass --include-master-key."
        );
    }
    Ok(())
}

pub fn restore(args: RestoreArgs) -> Result<()> {
    // Never under a running server: it would keep writing to the file this replaces.
    let _lock = crate::data_lock::DataLock::acquire(&args.data, "restore")?;
    let db = args.data.join("oneseal.db");
    let files: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", db.display())))
        .collect();
    // A leftover WAL without its database counts too: SQLite would replay it onto the restore.
    if !args.force && files.iter().any(|f| f.exists()) {
        bail!(
            "{} already holds a database; refusing to overwrite it (stop the server and pass \
             --force to replace it) 数据目录已有数据库，拒绝覆盖",
            db.display()
        );
    }
    let info = check_snapshot(&args.from)
        .with_context(|| format!("{} is not a usable backup", args.from.display()))?;
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("creating {}", args.data.display()))?;
    if args.force {
        for f in &files {
            remove_if_present(f)?;
        }
    }
    // Copy beside the target, then rename: a crash leaves either no database or a whole one.
    let tmp = args.data.join("oneseal.db.restoring");
    std::fs::copy(&args.from, &tmp).with_context(|| format!("copying to {}", tmp.display()))?;
    std::fs::rename(&tmp, &db)?;
    println!("恢复完成 Restored into {}", db.display());
    print_info(&info);
    restore_key(&args.from, &args.data)?;
    if args.data.join("anchors").is_dir() {
        println!(
            "回滚保护 The rollback anchors in {}/anchors were kept: if they record a newer \
             checkpoint than this backup holds, `oneseal serve` refuses to start.",
            args.data.display()
        );
    }
    Ok(())
}

fn print_info(info: &SnapshotInfo) {
    println!("  schema version {}", info.schema_version);
    for (log, size) in &info.logs {
        println!("  log {log}: {size} entries");
    }
}

fn key_file_of(backup: &Path) -> PathBuf {
    PathBuf::from(format!("{}.master.key", backup.display()))
}

/// Puts the backup's master key into the data directory when it came with the backup and the
/// directory has none; says what to do when neither holds one.
fn restore_key(from: &Path, data: &Path) -> Result<()> {
    let key = data.join("master.key");
    let saved = key_file_of(from);
    if key.exists() {
        println!("  master key: keeping {}", key.display());
    } else if saved.exists() {
        copy_private(&saved, &key)?;
        println!("  master key: restored to {}", key.display());
    } else if std::env::var_os("ONESEAL_KEY_PASSPHRASE").is_none() {
        println!(
            "注意 Put the bureau's master key at {} (or set ONESEAL_KEY_PASSPHRASE) before \
             `oneseal serve`: without it the restored keys cannot be opened.",
            key.display()
        );
    }
    Ok(())
}

/// Copies a secret file, readable by its owner only.
fn copy_private(from: &Path, to: &Path) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let bytes = std::fs::read(from).with_context(|| format!("reading {}", from.display()))?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .with_context(|| format!("writing {}", to.display()))?;
    f.write_all(&bytes)?;
    f.sync_all()?;
    Ok(())
}

fn remove_if_present(p: &Path) -> Result<()> {
    match std::fs::remove_file(p) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("removing {}", p.display()))
        }
        _ => Ok(()),
    }
}
