//! `template.yaml` declares the table, bucket and queues that the provisioning code creates
//! for tests and local emulators; this keeps the two from drifting apart.

use cyi_shared::adapters::aws::provision::{
    DEAD_LETTER_RETENTION_SECONDS, TABLE_KEY, TABLE_TTL_ATTRIBUTE,
};
use cyi_shared::ports::QueueSettings;
use serde_norway::Value;

fn template() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The argument of an intrinsic function written with its short tag (`!Ref Name`,
/// `!GetAtt Name.Attribute`).
fn intrinsic<'a>(value: &'a Value, function: &str) -> Option<&'a str> {
    match value {
        Value::Tagged(tagged) if tagged.tag == function => tagged.value.as_str(),
        _ => None,
    }
}

fn properties<'a>(template: &'a Value, resource: &str, kind: &str) -> &'a Value {
    let resource = &template["Resources"][resource];
    assert_eq!(resource["Type"].as_str(), Some(kind), "{resource:?}");
    &resource["Properties"]
}

#[test]
fn the_table_matches() {
    let template = template();
    let table = properties(&template, "ItemsTable", "AWS::DynamoDB::Table");
    assert_eq!(table["BillingMode"].as_str(), Some("PAY_PER_REQUEST"));
    let keys: Vec<(&str, &str)> = table["KeySchema"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["AttributeName"].as_str().unwrap(),
                k["KeyType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(keys, [(TABLE_KEY.0, "HASH"), (TABLE_KEY.1, "RANGE")]);
    for definition in table["AttributeDefinitions"].as_sequence().unwrap() {
        assert_eq!(definition["AttributeType"].as_str(), Some("S"));
    }
    assert_eq!(
        table["TimeToLiveSpecification"]["AttributeName"].as_str(),
        Some(TABLE_TTL_ATTRIBUTE)
    );
    assert_eq!(
        table["TimeToLiveSpecification"]["Enabled"].as_bool(),
        Some(true)
    );
    assert_eq!(
        table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"].as_bool(),
        Some(true)
    );
    assert!(
        table.get("GlobalSecondaryIndexes").is_none(),
        "provisioning creates no index"
    );
}

#[test]
fn the_queues_match() {
    let template = template();
    let queue = properties(&template, "JobQueue", "AWS::SQS::Queue");
    let production = QueueSettings::PRODUCTION;
    assert_eq!(
        queue["VisibilityTimeout"].as_u64(),
        Some(production.visibility_timeout.as_secs())
    );
    assert_eq!(
        queue["RedrivePolicy"]["maxReceiveCount"].as_u64(),
        Some(u64::from(production.max_receives))
    );
    let variables = &template["Globals"]["Function"]["Environment"]["Variables"];
    assert_eq!(
        variables["JOB_MAX_RECEIVES"].as_u64(),
        Some(u64::from(production.max_receives)),
        "the worker knows its last try"
    );
    let dead = properties(&template, "JobDeadLetterQueue", "AWS::SQS::Queue");
    assert_eq!(
        dead["MessageRetentionPeriod"].as_u64(),
        Some(u64::from(DEAD_LETTER_RETENTION_SECONDS))
    );
    let worker = properties(&template, "WorkerFunction", "AWS::Serverless::Function");
    let timeout = worker["Timeout"].as_u64().unwrap();
    assert!(
        production.visibility_timeout.as_secs() >= 6 * timeout,
        "visibility at least 6 x the worker timeout"
    );
    let event = &worker["Events"]["Jobs"]["Properties"];
    assert_eq!(
        event["FunctionResponseTypes"][0].as_str(),
        Some("ReportBatchItemFailures")
    );
}

#[test]
fn the_sweep_runs_every_minute_and_may_send_jobs() {
    let template = template();
    let sweep = properties(&template, "SweepFunction", "AWS::Serverless::Function");
    let schedule = &sweep["Events"]["EveryMinute"];
    assert_eq!(schedule["Type"].as_str(), Some("Schedule"));
    assert_eq!(
        schedule["Properties"]["Schedule"].as_str(),
        Some("rate(1 minute)"),
        "the local host sweeps every minute too"
    );
    let policies = sweep["Policies"].as_sequence().unwrap();
    assert!(
        policies.iter().any(
            |p| intrinsic(&p["SQSSendMessagePolicy"]["QueueName"], "GetAtt")
                == Some("JobQueue.QueueName")
        ),
        "the sweep sends jobs again"
    );
    let metadata = &template["Resources"]["SweepFunction"]["Metadata"];
    assert_eq!(
        metadata["BuildProperties"]["Binary"].as_str(),
        Some("cyi-sweep")
    );
}

#[test]
fn every_function_has_an_errors_alarm() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let alarmed: Vec<&str> = resources
        .values()
        .filter(|r| r["Properties"]["MetricName"].as_str() == Some("Errors"))
        .filter_map(|r| intrinsic(&r["Properties"]["Dimensions"][0]["Value"], "Ref"))
        .collect();
    for (name, resource) in resources {
        let name = name.as_str().unwrap();
        // The page's files function reads nothing and touches no resource.
        if resource["Type"].as_str() == Some("AWS::Serverless::Function") && name != "WebFunction" {
            assert!(alarmed.contains(&name), "{name} has no errors alarm");
        }
    }
}

#[test]
fn the_bucket_is_private_and_encrypted() {
    let template = template();
    let bucket = properties(&template, "CvBucket", "AWS::S3::Bucket");
    let block = &bucket["PublicAccessBlockConfiguration"];
    for setting in [
        "BlockPublicAcls",
        "BlockPublicPolicy",
        "IgnorePublicAcls",
        "RestrictPublicBuckets",
    ] {
        assert_eq!(block[setting].as_bool(), Some(true), "{setting}");
    }
    assert!(bucket["BucketEncryption"].is_mapping());
    assert!(bucket["LifecycleConfiguration"]["Rules"].is_sequence());
}

#[test]
fn every_route_of_the_api_is_in_the_template() {
    let template = template();
    let document = cyi_infra::openapi_document();
    let mut declared = Vec::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if let Some(events) = resource["Properties"]["Events"].as_mapping() {
            for (_, event) in events {
                if event["Type"].as_str() == Some("HttpApi") {
                    let properties = &event["Properties"];
                    declared.push(format!(
                        "{} {}",
                        properties["Method"].as_str().unwrap(),
                        properties["Path"].as_str().unwrap()
                    ));
                }
            }
        }
    }
    for (path, item) in &document.paths.paths {
        for (method, operation) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            if operation.is_some() {
                let route = format!("{method} {path}");
                assert!(
                    declared.contains(&route),
                    "{route} is not routed in template.yaml"
                );
            }
        }
    }
}

/// `cargo lambda watch` routes production paths to functions by the workspace manifest's
/// router: every path of the API document must be in it, or it answers 404 under watch.
#[test]
fn every_path_of_the_api_is_routed_under_watch() {
    let manifest = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml"),
    )
    .unwrap();
    let router = manifest
        .split("[workspace.metadata.lambda.watch.router]")
        .nth(1)
        .expect("the workspace manifest has a watch router");
    let routed: Vec<&str> = router
        .lines()
        .filter_map(|line| line.strip_prefix('"')?.split('"').next())
        .collect();
    for path in cyi_infra::openapi_document().paths.paths.keys() {
        assert!(
            routed.contains(&path.as_str()),
            "{path} is not in [workspace.metadata.lambda.watch.router]"
        );
    }
}
