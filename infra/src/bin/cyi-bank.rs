//! The question bank tool: validate the bank files, load them into the item store (the
//! embedded SQLite file or DynamoDB, as configured), or import a bank in the legacy CSV
//! layout.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use cyi_shared::config::ItemStoreLocation;
use cyi_shared::domain::bank::Bank;
use cyi_shared::services::item_store;
use cyi_shared::storage::bank;

#[derive(Parser)]
#[command(
    name = "cyi-bank",
    about = "Validates, loads and imports the question bank"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the bank files and print counts per position, difficulty and language.
    Validate {
        #[arg(long, default_value_os_t = cyi_infra::default_bank_dir())]
        dir: PathBuf,
    },
    /// Load the bank files into the item store the environment configures: `STORAGE_BACKEND`
    /// with `TABLE_NAME` or `DATA_DIR` (see .env.example); nothing else is needed.
    Load {
        #[arg(long, default_value_os_t = cyi_infra::default_bank_dir())]
        dir: PathBuf,
    },
    /// Import a bank in the legacy CSV layout into the configured store, reporting every row
    /// it skips. Importing again is harmless.
    ImportLegacy {
        /// The folder with tech_q.csv, tech_q_kor.csv, behav_q.csv and behavQ_criteria.json.
        #[arg(long)]
        dir: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Args::parse().command {
        Command::Validate { dir } => {
            let bank = Bank::read_dir(&dir)?;
            print!("{}", cyi_infra::bank_summary(&bank));
        }
        Command::Load { dir } => {
            let bank = Bank::read_dir(&dir)?;
            let store = item_store(&ItemStoreLocation::from_env()?).await?;
            let report = bank::load(store.as_ref(), &bank)
                .await
                .context("loading the bank")?;
            println!(
                "loaded {} technical questions, {} competencies, {} behavioral questions",
                report.technical, report.competencies, report.behavioral
            );
        }
        Command::ImportLegacy { dir } => {
            let store = item_store(&ItemStoreLocation::from_env()?).await?;
            let report = cyi_infra::legacy::import(store.as_ref(), &dir).await?;
            print!("{}", report.summary());
        }
    }
    Ok(())
}
