//! The bank in the store: loading it (curated, or imported for review) and reading it back,
//! and the cache interviews and practice draw from.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::layout::{BEHAVIORAL_PREFIX, BankSource, COMPETENCY_PREFIX};
use crate::domain::Position;
use crate::domain::bank::{Bank, BehavioralQuestion, Competency, TechnicalQuestion};
use crate::ports::item_store::query_all;
use crate::ports::{Item, ItemStore, StoreError};

/// What a load wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub technical: usize,
    pub competencies: usize,
    pub behavioral: usize,
}

pub async fn put_technical(
    store: &dyn ItemStore,
    source: BankSource,
    question: &TechnicalQuestion,
) -> Result<(), StoreError> {
    let key = source.technical_key(question.position, &question.topic, &question.id);
    store.put(Item::of(key, question)?, None).await
}

pub async fn put_competency(
    store: &dyn ItemStore,
    source: BankSource,
    competency: &Competency,
) -> Result<(), StoreError> {
    let key = source.competency_key(&competency.id);
    store.put(Item::of(key, competency)?, None).await
}

pub async fn put_behavioral(
    store: &dyn ItemStore,
    source: BankSource,
    question: &BehavioralQuestion,
) -> Result<(), StoreError> {
    let key = source.behavioral_key(&question.competency, &question.id);
    store.put(Item::of(key, question)?, None).await
}

/// Writes the curated bank into the store. Entries are overwritten in place, so loading again
/// is harmless; an id is never reused for another question, so answers keep their meaning.
pub async fn load(store: &dyn ItemStore, bank: &Bank) -> Result<LoadReport, StoreError> {
    for q in &bank.technical {
        put_technical(store, BankSource::Curated, q).await?;
    }
    for c in &bank.competencies {
        put_competency(store, BankSource::Curated, c).await?;
    }
    for q in &bank.behavioral {
        put_behavioral(store, BankSource::Curated, q).await?;
    }
    Ok(LoadReport {
        technical: bank.technical.len(),
        competencies: bank.competencies.len(),
        behavioral: bank.behavioral.len(),
    })
}

/// A bank as the store holds it, read whole.
pub async fn read(store: &dyn ItemStore, source: BankSource) -> Result<Bank, StoreError> {
    let mut bank = Bank::default();
    for position in Position::ALL {
        for item in query_all(store, &source.technical_partition(position), "").await? {
            bank.technical.push(item.decode()?);
        }
    }
    let behavioral = source.behavioral_partition();
    for item in query_all(store, &behavioral, COMPETENCY_PREFIX).await? {
        bank.competencies.push(item.decode()?);
    }
    for item in query_all(store, &behavioral, BEHAVIORAL_PREFIX).await? {
        bank.behavioral.push(item.decode()?);
    }
    Ok(bank)
}

/// Why the bank could not be had.
#[derive(Debug, thiserror::Error)]
pub enum BankUnavailable {
    #[error("the question bank is empty: load it with `cyi-bank load`")]
    Empty,
    #[error("reading the question bank failed")]
    Store(#[from] StoreError),
}

/// The curated bank, read from the store once and kept for a while, so starting an interview
/// costs no bank reads. A function instance sees a reload within `REFRESH` of a new load.
#[derive(Default)]
pub struct BankCache {
    cached: RwLock<Option<(Instant, Arc<Bank>)>>,
}

const REFRESH: Duration = Duration::from_secs(300);

impl BankCache {
    pub async fn get(&self, store: &dyn ItemStore) -> Result<Arc<Bank>, BankUnavailable> {
        if let Ok(cached) = self.cached.read()
            && let Some((at, bank)) = cached.as_ref()
            && at.elapsed() < REFRESH
        {
            return Ok(Arc::clone(bank));
        }
        let bank = Arc::new(read(store, BankSource::Curated).await?);
        if bank.technical.is_empty() {
            return Err(BankUnavailable::Empty);
        }
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some((Instant::now(), Arc::clone(&bank)));
        }
        Ok(bank)
    }
}

/// The curated bank as the use cases see it: the store behind the shared cache.
#[derive(Clone)]
pub struct BankCatalog {
    store: Arc<dyn ItemStore>,
    cache: Arc<BankCache>,
}

impl BankCatalog {
    pub fn new(store: Arc<dyn ItemStore>, cache: Arc<BankCache>) -> Self {
        Self { store, cache }
    }

    pub async fn get(&self) -> Result<Arc<Bank>, BankUnavailable> {
        self.cache.get(self.store.as_ref()).await
    }
}

impl From<BankUnavailable> for crate::domain::interview::InterviewError {
    fn from(error: BankUnavailable) -> Self {
        Self::Unexpected(error.into())
    }
}

impl From<BankUnavailable> for crate::domain::job::JobError {
    fn from(error: BankUnavailable) -> Self {
        Self::Unexpected(error.into())
    }
}
