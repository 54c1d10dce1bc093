//! `oneseal catalog import|export`: the same all-or-nothing import the web page uses.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use oneseal_domain::catalog::interchange;
use oneseal_domain::event::Actor;
use oneseal_domain::org::DivisionCode;
use oneseal_server::services::commands::{Meta, publish_items};
use oneseal_server::{SystemClock, WallClock};
use oneseal_store::Store;

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Validate a CSV/XLSX file and publish its items; nothing is written if any row is bad.
    Import {
        file: PathBuf,
        /// Administrative division code of the jurisdiction.
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
        #[command(flatten)]
        db: crate::serve::DbArgs,
        /// Only validate; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Write the current catalog of a jurisdiction as CSV or XLSX (by the file's extension).
    Export {
        out: PathBuf,
        #[arg(long, default_value = "370100")]
        jurisdiction: String,
        #[command(flatten)]
        db: crate::serve::DbArgs,
    },
}

fn is_xlsx(p: &std::path::Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

pub fn run(cmd: CatalogCommand) -> Result<()> {
    match cmd {
        CatalogCommand::Import {
            file,
            jurisdiction,
            db,
            check,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let parsed = if is_xlsx(&file) {
                interchange::import_xlsx(&bytes)
            } else {
                interchange::import_csv(&bytes)
            };
            let items = match parsed {
                Ok(items) => items,
                Err(err) => {
                    for e in err.row_errors() {
                        eprintln!(
                            "第{}行 row {}, 列 column {}: {} / {}",
                            e.row, e.row, e.column, e.reason_zh, e.reason_en
                        );
                    }
                    let (shown, total) = (err.row_errors().len(), err.total_errors());
                    if shown < total {
                        eprintln!("仅列出前{shown}处，共{total}处 first {shown} of {total} shown");
                    }
                    bail!("导入被拒绝，未写入任何数据 import rejected, nothing written: {err}");
                }
            };
            println!("校验通过 {} items valid", items.len());
            if check {
                return Ok(());
            }
            let j = DivisionCode::parse(&jurisdiction)?;
            let _lock = crate::data_lock::DataLock::acquire(&db.data, "catalog import")?;
            let store = Store::open(db.database()?)?;
            let meta = Meta {
                time: SystemClock.now(),
                jurisdiction: j,
                actor: Actor::System("cli".into()),
            };
            let report = store
                .write_blocking(move |tx| publish_items(tx, &meta, items))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "已发布 published {}, 未变化 unchanged {}",
                report.published, report.unchanged
            );
            store.close();
            Ok(())
        }
        CatalogCommand::Export {
            out,
            jurisdiction,
            db,
        } => {
            let j = DivisionCode::parse(&jurisdiction)?;
            let store = Store::open(db.database()?)?;
            let items = store
                .read_blocking(|c| oneseal_server::services::catalog::all_items(c, &j))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let bytes = if is_xlsx(&out) {
                interchange::export_xlsx(
                    &items,
                    oneseal_server::WallClock::now(&oneseal_server::SystemClock),
                )
                .map_err(|e| anyhow::anyhow!("{e}"))?
            } else {
                interchange::export_csv(&items).map_err(|e| anyhow::anyhow!("{e}"))?
            };
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("已导出 exported {} items to {}", items.len(), out.display());
            store.close();
            Ok(())
        }
    }
}
