//! The item store in one SQLite file. WAL mode, a busy timeout and `BEGIN IMMEDIATE` make it
//! safe for several processes at once (the local host and `cargo lambda watch` functions);
//! conditions and updates are evaluated by the port's own definitions inside the transaction.
//!
//! Reads use a small pool of their own connections (WAL lets readers run beside the writer
//! and each other) and run in place on the calling thread: a keyed read takes microseconds,
//! less than handing it to another thread would. Writes keep one connection and run on the
//! blocking pool, since one can wait on another process's lock.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::ports::item_store::{
    Attributes, Condition, Item, ItemKey, ItemStore, Page, Query, StoreError, Update, WriteOp,
    validate_attributes, validate_transaction, validate_updates,
};
use crate::ports::{Clock, SystemClock};

pub struct SqliteItemStore {
    connection: Arc<Mutex<Connection>>,
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    clock: SystemClock,
}

fn connect(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open(path).map_err(StoreError::backend)?;
    connection
        .busy_timeout(Duration::from_secs(10))
        .map_err(StoreError::backend)?;
    Ok(connection)
}

fn poisoned() -> StoreError {
    StoreError::backend(anyhow::anyhow!("connection lock poisoned"))
}

impl SqliteItemStore {
    /// Opens (creating when missing) the store in the file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = connect(path)?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 CREATE TABLE IF NOT EXISTS items (
                     pk TEXT NOT NULL,
                     sk TEXT NOT NULL,
                     attrs TEXT NOT NULL,
                     expires_at INTEGER,
                     PRIMARY KEY (pk, sk)
                 ) WITHOUT ROWID;",
            )
            .map_err(StoreError::backend)?;
        // One reader per core: more would only queue on the cores.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let readers = (0..cores)
            .map(|_| connect(path).map(Mutex::new))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            readers,
            next_reader: AtomicUsize::new(0),
            clock: SystemClock,
        })
    }

    /// Runs a read on a free reader connection, in place.
    fn read_with<T>(
        &self,
        work: impl FnOnce(&Connection, i64) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let now = self.clock.unix_now();
        let start = self.next_reader.fetch_add(1, Ordering::Relaxed);
        let count = self.readers.len();
        for offset in 0..count {
            if let Ok(reader) = self.readers[(start + offset) % count].try_lock() {
                return work(&reader, now);
            }
        }
        let reader = self.readers[start % count].lock().map_err(|_| poisoned())?;
        work(&reader, now)
    }

    /// Runs blocking SQLite work off the async threads.
    async fn with_connection<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection, i64) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let connection = Arc::clone(&self.connection);
        let now = self.clock.unix_now();
        tokio::task::spawn_blocking(move || {
            let mut connection = connection.lock().map_err(|_| poisoned())?;
            work(&mut connection, now)
        })
        .await
        .map_err(StoreError::backend)?
    }

    /// Applies the writes in one immediate transaction, or none of them.
    async fn write(&self, ops: Vec<WriteOp>) -> Result<Option<Item>, StoreError> {
        self.with_connection(move |connection, now| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(StoreError::backend)?;
            let mut current = Vec::with_capacity(ops.len());
            let mut failed = Vec::new();
            for (index, op) in ops.iter().enumerate() {
                let item = read(&tx, op.key())?;
                if let Some(condition) = op.condition()
                    && !condition.holds(item.as_ref(), now)
                {
                    failed.push(index);
                }
                current.push(item);
            }
            if !failed.is_empty() {
                return Err(if ops.len() == 1 {
                    StoreError::ConditionFailed
                } else {
                    StoreError::TransactionCancelled { failed }
                });
            }
            let mut last = None;
            for (op, item) in ops.into_iter().zip(current) {
                last = match op {
                    WriteOp::Put { item, .. } => Some(store(&tx, item)?),
                    WriteOp::Update { key, updates, .. } => {
                        let mut item = item.unwrap_or_else(|| Item::new(key, Attributes::new()));
                        updates.iter().for_each(|u| u.apply(&mut item));
                        Some(store(&tx, item)?)
                    }
                    WriteOp::Delete { key, .. } => {
                        tx.execute(
                            "DELETE FROM items WHERE pk = ?1 AND sk = ?2",
                            params![key.pk, key.sk],
                        )
                        .map_err(StoreError::backend)?;
                        None
                    }
                };
            }
            tx.commit().map_err(StoreError::backend)?;
            Ok(last)
        })
        .await
    }
}

fn read(connection: &Connection, key: &ItemKey) -> Result<Option<Item>, StoreError> {
    connection
        .query_row(
            "SELECT attrs, expires_at FROM items WHERE pk = ?1 AND sk = ?2",
            params![key.pk, key.sk],
            |row| Ok((row.get::<_, String>(0)?, row.get::<_, Option<i64>>(1)?)),
        )
        .optional()
        .map_err(StoreError::backend)?
        .map(|(attrs, expires_at)| decode(key.clone(), &attrs, expires_at))
        .transpose()
}

fn decode(key: ItemKey, attrs: &str, expires_at: Option<i64>) -> Result<Item, StoreError> {
    Ok(Item {
        key,
        attrs: serde_json::from_str(attrs).map_err(StoreError::backend)?,
        expires_at,
    })
}

fn store(connection: &Connection, item: Item) -> Result<Item, StoreError> {
    let attrs = serde_json::to_string(&item.attrs).map_err(StoreError::backend)?;
    connection
        .execute(
            "INSERT INTO items (pk, sk, attrs, expires_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (pk, sk) DO UPDATE SET attrs = excluded.attrs, expires_at = excluded.expires_at",
            params![item.key.pk, item.key.sk, attrs, item.expires_at],
        )
        .map_err(StoreError::backend)?;
    Ok(item)
}

#[async_trait]
impl ItemStore for SqliteItemStore {
    async fn get(&self, key: &ItemKey) -> Result<Option<Item>, StoreError> {
        self.read_with(
            |connection, now| Ok(read(connection, key)?.filter(|item| item.is_live(now))),
        )
    }

    async fn put(&self, item: Item, condition: Option<Condition>) -> Result<(), StoreError> {
        validate_attributes(&item.attrs)?;
        self.write(vec![WriteOp::Put { item, condition }]).await?;
        Ok(())
    }

    async fn update(
        &self,
        key: &ItemKey,
        updates: Vec<Update>,
        condition: Option<Condition>,
    ) -> Result<Item, StoreError> {
        validate_updates(&updates)?;
        let op = WriteOp::Update {
            key: key.clone(),
            updates,
            condition,
        };
        self.write(vec![op])
            .await?
            .ok_or_else(|| StoreError::backend(anyhow::anyhow!("update wrote no item")))
    }

    async fn delete(&self, key: &ItemKey, condition: Option<Condition>) -> Result<(), StoreError> {
        let op = WriteOp::Delete {
            key: key.clone(),
            condition,
        };
        self.write(vec![op]).await?;
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.read_with(move |connection, now| {
            let order = if query.descending { "DESC" } else { "ASC" };
            let after = if query.descending { "<" } else { ">" };
            // `substr` compares bytes of the prefix exactly; LIKE would treat `%` and `_` as
            // wildcards.
            let sql = format!(
                "SELECT sk, attrs, expires_at FROM items
                 WHERE pk = ?1 AND substr(sk, 1, length(?2)) = ?2 AND (?3 IS NULL OR sk {after} ?3)
                 ORDER BY sk {order} LIMIT ?4"
            );
            let limit = query.limit.map_or(-1, |l| l as i64);
            let mut statement = connection
                .prepare_cached(&sql)
                .map_err(StoreError::backend)?;
            let rows = statement
                .query_map(
                    params![query.pk, query.sk_prefix, query.after, limit],
                    |row| {
                        Ok((
                            row.get::<_, String>(0)?,
                            row.get::<_, String>(1)?,
                            row.get::<_, Option<i64>>(2)?,
                        ))
                    },
                )
                .map_err(StoreError::backend)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(StoreError::backend)?;
            let next = match query.limit {
                Some(limit) if rows.len() == limit => rows.last().map(|(sk, _, _)| sk.clone()),
                _ => None,
            };
            let mut items = Vec::with_capacity(rows.len());
            for (sk, attrs, expires_at) in rows {
                let item = decode(ItemKey::new(query.pk.clone(), sk), &attrs, expires_at)?;
                if item.is_live(now) {
                    items.push(item);
                }
            }
            Ok(Page { items, next })
        })
    }

    async fn transact(&self, ops: Vec<WriteOp>) -> Result<(), StoreError> {
        validate_transaction(&ops)?;
        match self.write(ops).await {
            // A one-operation transaction still reports as a transaction.
            Err(StoreError::ConditionFailed) => {
                Err(StoreError::TransactionCancelled { failed: vec![0] })
            }
            other => other.map(|_| ()),
        }
    }
}
