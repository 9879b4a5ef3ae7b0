//! The two adapter families the contract suites run against: embedded (temporary folder)
//! and AWS (moto's server on loopback, started by the test command; `MOTO_ENDPOINT`).
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use cyi_shared::Services;
use cyi_shared::adapters::aws::provision::{ResourceNames, provision};
use cyi_shared::config::AwsResources;
use cyi_shared::ports::QueueSettings;

/// Queue settings short enough to watch redelivery and dead-lettering happen.
pub const FAST_QUEUE: QueueSettings = QueueSettings {
    visibility_timeout: Duration::from_secs(1),
    max_receives: 2,
};

pub struct Family {
    pub services: Services,
    /// Keeps the embedded family's folder alive for the test.
    pub _dir: Option<tempfile::TempDir>,
    /// The embedded upload route's server, when presigned URLs need one.
    pub _server: Option<tokio::task::JoinHandle<()>>,
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
        queue_url: provisioned.queue_url,
        dead_letter_queue_url: provisioned.dead_letter_queue_url,
    };
    Family {
        services: Services::aws(&sdk, &resources),
        _dir: None,
        _server: None,
    }
}

/// The embedded family in a temporary folder, its upload route served on a free port.
pub async fn embedded(queue: QueueSettings) -> Family {
    let dir = tempfile::tempdir().expect("temporary folder");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("free port");
    let base_url = format!("http://{}", listener.local_addr().expect("address"));
    let (services, parts) =
        Services::embedded(dir.path(), &base_url, queue).expect("embedded family");
    let router = cyi_shared::adapters::embedded::directory::upload_router(Arc::clone(&parts.blobs));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Family {
        services,
        _dir: Some(dir),
        _server: Some(server),
    }
}

/// Declares one test per family for each case: `contract_cases!(settings; case_a, case_b)`.
#[macro_export]
macro_rules! contract_cases {
    ($settings:expr; $($case:ident),+ $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let family = $crate::support::embedded($settings).await;
                    super::$case(&family.services).await;
                }
            )+
        }
        mod aws {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let family = $crate::support::aws($settings).await;
                    super::$case(&family.services).await;
                }
            )+
        }
    };
}
