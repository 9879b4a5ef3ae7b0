//! Test support: the two adapter families every suite runs against, embedded (a temporary
//! folder) and AWS (moto's server on loopback, started by `scripts/test`, at
//! `MOTO_ENDPOINT`), and fault-injecting decorators of the ports (`faults`). Compiled only
//! with the `testing` feature.

pub mod faults;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use crate::Services;
use crate::adapters::aws::provision::{ResourceNames, provision};
use crate::config::{AwsResources, EmbeddedQueue, EmbeddedQueueKind, Limits, SqsQueue};
use crate::ports::{Clock, QueueSettings};
use crate::services::Settings;

/// Settings for tests: a fresh random signing key, one-hour tokens, default limits.
pub fn test_settings() -> Settings {
    use rand::RngCore;
    let mut key = vec![0u8; 32];
    rand::rng().fill_bytes(&mut key);
    Settings {
        signing_key: Some(key),
        access_token_lifetime: Duration::from_secs(3600),
        limits: Limits::default(),
    }
}

/// Queue settings short enough to watch redelivery and dead-lettering happen.
pub const FAST_QUEUE: QueueSettings = QueueSettings {
    visibility_timeout: Duration::from_secs(1),
    max_receives: 2,
};

pub struct Family {
    pub services: Services,
    /// The settings the services were built with (the signing key, for forging tokens).
    pub settings: Settings,
    /// Keeps the embedded family's folder alive for the test.
    pub _dir: Option<tempfile::TempDir>,
    /// The embedded upload route's server, when presigned URLs need one.
    pub _server: Option<tokio::task::JoinHandle<()>>,
    /// The embedded family's upload route, for hosts that serve it themselves.
    pub upload_router: Option<axum::Router>,
}

pub async fn moto_sdk() -> aws_config::SdkConfig {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect(
        "MOTO_ENDPOINT is not set: run the suite with `scripts/test`, which starts moto on loopback",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// Fresh resources made by the project's own provisioning code, named uniquely so tests
/// running side by side never share state.
pub async fn aws(queue: QueueSettings) -> Family {
    let sdk = moto_sdk().await;
    let prefix = format!("t{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    let names = ResourceNames::prefixed(&prefix);
    let provisioned = provision(&sdk, &names, queue)
        .await
        .expect("provisioning on moto");
    let resources = AwsResources {
        table: names.table,
        bucket: names.bucket,
        queue: SqsQueue {
            queue_url: provisioned.queue_url,
            dead_letter_queue_url: provisioned.dead_letter_queue_url,
            max_receives: queue.max_receives,
        },
    };
    let settings = test_settings();
    Family {
        services: Services::aws(&sdk, &resources, &settings).expect("aws family"),
        settings,
        _dir: None,
        _server: None,
        upload_router: None,
    }
}

/// The embedded family in a temporary folder with the in-process queue, its upload route
/// served on a free port.
pub async fn embedded(queue: QueueSettings) -> Family {
    embedded_with(EmbeddedQueueKind::InProcess, queue).await
}

/// The embedded family with the queue that several processes share (`JOB_QUEUE=sqlite`).
pub async fn embedded_shared_queue(queue: QueueSettings) -> Family {
    embedded_with(EmbeddedQueueKind::Sqlite, queue).await
}

async fn embedded_with(kind: EmbeddedQueueKind, queue_settings: QueueSettings) -> Family {
    let dir = tempfile::tempdir().expect("temporary folder");
    let queue = EmbeddedQueue {
        kind,
        settings: queue_settings,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let settings = test_settings();
    let (services, parts) =
        Services::embedded(dir.path(), &base_url, &queue, &settings).expect("embedded family");
    let router = crate::adapters::embedded::directory::upload_router(Arc::clone(&parts.blobs));
    let served = router.clone();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, served).await;
    });
    Family {
        services,
        settings,
        _dir: Some(dir),
        _server: Some(server),
        upload_router: Some(router),
    }
}

/// Declares one test per family for each case: `contract_cases!(settings; case_a, case_b)` on
/// the embedded and AWS families, or on the families named:
/// `contract_cases!(settings, families [embedded, aws, embedded_shared_queue]; case_a)`. A
/// family is a function of this module taking the queue settings.
#[macro_export]
macro_rules! contract_cases {
    (@each $settings:expr; $cases:tt; $($family:ident),+) => {
        $( $crate::contract_cases!(@family $family, $settings, $cases); )+
    };
    (@family $family:ident, $settings:expr, [$($case:ident),+]) => {
        mod $family {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let family = cyi_shared::testing::$family($settings).await;
                    super::$case(&family.services).await;
                }
            )+
        }
    };
    ($settings:expr; $($case:ident),+ $(,)?) => {
        $crate::contract_cases!($settings, families [embedded, aws]; $($case),+);
    };
    ($settings:expr, families [$($family:ident),+ $(,)?]; $($case:ident),+ $(,)?) => {
        $crate::contract_cases!(@each $settings; [$($case),+]; $($family),+);
    };
}

/// A clock that moves only when told to, for tests of windows and expiry.
#[derive(Clone, Debug)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    pub fn at(unix_seconds: i64) -> Self {
        Self(Arc::new(AtomicI64::new(unix_seconds)))
    }

    pub fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::from_unix_timestamp(self.0.load(Ordering::SeqCst))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

/// A JWT with any header and claims, signed HS256-style with `key` whatever the header says:
/// the raw material of tokens the API must refuse.
pub fn forge_token(header: &serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use hmac::{Hmac, KeyInit, Mac};
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}
