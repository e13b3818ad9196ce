//! Unit tests of `container`.

use super::*;

#[test]
fn memory_in_binary_units() {
    let size = |text: &str| ByteSize::parse(text).expect("a size");
    assert_eq!(memory_quantity(&size("512M")), "512Mi");
    assert_eq!(memory_quantity(&size("1G")), "1Gi");
    assert_eq!(memory_quantity(&size("1.5G")), "1536Mi");
    assert_eq!(memory_quantity(&size("1000")), "1000");
    assert_eq!(memory_quantity(&size("64k")), "64Ki");
    assert_eq!(bytes_quantity(0), "0");
}

#[test]
fn cpus_in_millicores() {
    let cpus = |n: f64| cpu_quantity(Cpus::new(n).expect("in range"));
    assert_eq!(cpus(0.5), "500m");
    assert_eq!(cpus(2.0), "2");
    assert_eq!(cpus(0.25), "250m");
    assert_eq!(cpus(1.5), "1500m");
    assert_eq!(cpus(0.01), "10m");
}

fn check(test: &[&str], start_period: Option<&str>) -> PlannedHealthcheck {
    PlannedHealthcheck {
        test: Some(test.iter().map(|s| (*s).to_owned()).collect()),
        interval: Some(Duration::from_millis(10_000)),
        timeout: Some(Duration::from_millis(1500)),
        retries: Some(5),
        start_period: start_period.map(|text| Duration::parse(text).expect("a duration")),
    }
}

#[test]
fn shell_checks_run_through_sh() {
    let probes = probes(
        &check(&["CMD-SHELL", "pg_isready -U app"], None),
        None,
        None,
        &mut Vec::new(),
        &mut BTreeSet::new(),
    )
    .expect("a probe");
    assert_eq!(
        probes.probe.action,
        ProbeAction::Exec(vec!["sh".into(), "-c".into(), "pg_isready -U app".into()])
    );
    assert_eq!(probes.probe.period_seconds, 10);
    assert_eq!(
        probes.probe.timeout_seconds, 2,
        "rounded up to whole seconds"
    );
    assert_eq!(probes.probe.failure_threshold, 5);
    assert_eq!(probes.startup, None);
}

#[test]
fn http_checks_become_http_gets_and_start_periods_startup_probes() {
    let stack_check = Healthcheck {
        http: Some("/health".to_owned()),
        ..Healthcheck::default()
    };
    let probes = probes(
        &check(
            &["CMD", "wget", "http://localhost:8000/health"],
            Some("45s"),
        ),
        Some(&stack_check),
        Some(8000),
        &mut Vec::new(),
        &mut BTreeSet::new(),
    )
    .expect("a probe");
    assert_eq!(
        probes.probe.action,
        ProbeAction::HttpGet {
            path: "/health".into(),
            port: 8000
        }
    );
    let startup = probes
        .startup
        .expect("a start period gives a startup probe");
    assert_eq!(
        startup.failure_threshold,
        5 + 5,
        "45s in 10s probes, then the retries"
    );
    assert_eq!(startup.action, probes.probe.action);
}

#[test]
fn command_checks_run_as_written() {
    let probes = probes(
        &check(&["CMD", "redis-cli", "ping"], None),
        None,
        Some(6379),
        &mut Vec::new(),
        &mut BTreeSet::new(),
    )
    .expect("a probe");
    assert_eq!(
        probes.probe.action,
        ProbeAction::Exec(vec!["redis-cli".into(), "ping".into()])
    );
}

fn secret(key: &str) -> EnvSource {
    EnvSource::Secret { key: key.into() }
}

fn var(name: &str, value: EnvSource) -> EnvVar {
    EnvVar {
        name: name.into(),
        value,
    }
}

#[test]
fn a_shell_check_reads_its_references_from_the_containers_environment() {
    // `DB_USER` is already the Secret's key of the same name; `MODE` is the
    // service's own text, so the Secret's `MODE` gets a helper; `$HOME` is
    // the shell's.
    let mut env = vec![
        var("DB_USER", secret("DB_USER")),
        var("MODE", EnvSource::Text("fast".into())),
    ];
    let mut keys = BTreeSet::new();
    let probes = probes(
        &check(
            &[
                "CMD-SHELL",
                "pg_isready -U ${DB_USER} -d \"${DB_NAME}\" && test ${MODE} != $HOME",
            ],
            None,
        ),
        None,
        None,
        &mut env,
        &mut keys,
    )
    .expect("a probe");
    assert_eq!(
        probes.probe.action,
        ProbeAction::Exec(vec![
            "sh".into(),
            "-c".into(),
            "pg_isready -U ${DB_USER} -d \"${DB_NAME}\" && test ${STACKGEN_SECRET_MODE} != $HOME"
                .into()
        ])
    );
    assert_eq!(
        env,
        [
            var("STACKGEN_SECRET_MODE", secret("MODE")),
            var("DB_NAME", secret("DB_NAME")),
            var("DB_USER", secret("DB_USER")),
            var("MODE", EnvSource::Text("fast".into())),
        ]
    );
    assert_eq!(
        keys.into_iter().collect::<Vec<_>>(),
        ["DB_NAME", "DB_USER", "MODE"]
    );
}

#[test]
fn a_command_check_with_references_runs_through_the_shell_word_by_word() {
    let mut env = Vec::new();
    let mut keys = BTreeSet::new();
    let probes = probes(
        &check(
            &[
                "CMD",
                "redis-cli",
                "-a",
                "${REDIS_PASSWORD}",
                "it's $x:${A}",
                "",
                "ping",
            ],
            None,
        ),
        None,
        Some(6379),
        &mut env,
        &mut keys,
    )
    .expect("a probe");
    assert_eq!(
        probes.probe.action,
        ProbeAction::Exec(vec![
            "sh".into(),
            "-c".into(),
            "exec 'redis-cli' '-a' \"${REDIS_PASSWORD}\" 'it'\\''s $x:'\"${A}\" '' 'ping'".into()
        ])
    );
    assert_eq!(
        env,
        [
            var("A", secret("A")),
            var("REDIS_PASSWORD", secret("REDIS_PASSWORD"))
        ]
    );
}

#[test]
fn an_argument_reads_the_secret_through_a_helper_when_the_service_names_it_otherwise() {
    let mut env = vec![var("TOKEN", EnvSource::Text("literal".into()))];
    let mut keys = BTreeSet::new();
    let args = arguments(
        &["--token=${TOKEN}".to_owned(), "${TOKEN}".to_owned()],
        &mut env,
        &mut keys,
    );
    assert_eq!(
        args,
        [
            "--token=$(STACKGEN_SECRET_TOKEN)",
            "$(STACKGEN_SECRET_TOKEN)"
        ]
    );
    assert_eq!(env[0], var("STACKGEN_SECRET_TOKEN", secret("TOKEN")));
    assert_eq!(env.len(), 2);
}

#[test]
fn secrets_are_read_from_the_secret_and_never_written() {
    let entries = [
        ("POSTGRES_PASSWORD".to_owned(), "${DB_PASSWORD}".to_owned()),
        (
            "DATABASE_URL".to_owned(),
            "postgres://app:${DB_PASSWORD}@db/app?x=$(y)&$".to_owned(),
        ),
        ("MODE".to_owned(), "plain".to_owned()),
    ];
    let mut keys = BTreeSet::new();
    let env = environment(entries.iter().map(|(k, v)| (k, v)), &mut keys);
    let secret = |key: &str| EnvSource::Secret { key: key.into() };
    assert_eq!(
        env,
        vec![
            EnvVar {
                name: "DB_PASSWORD".into(),
                value: secret("DB_PASSWORD")
            },
            EnvVar {
                name: "POSTGRES_PASSWORD".into(),
                value: secret("DB_PASSWORD")
            },
            EnvVar {
                name: "DATABASE_URL".into(),
                value: EnvSource::Text("postgres://app:$(DB_PASSWORD)@db/app?x=$$(y)&$$".into())
            },
            EnvVar {
                name: "MODE".into(),
                value: EnvSource::Text("plain".into())
            },
        ]
    );
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), ["DB_PASSWORD"]);
}

#[test]
fn a_reference_named_like_a_variable_of_the_service_gets_a_helper() {
    let entries = [
        ("TOKEN".to_owned(), "literal".to_owned()),
        ("HEADER".to_owned(), "Bearer ${TOKEN}".to_owned()),
    ];
    let mut keys = BTreeSet::new();
    let env = environment(entries.iter().map(|(k, v)| (k, v)), &mut keys);
    assert_eq!(env[0].name, "STACKGEN_SECRET_TOKEN");
    assert_eq!(
        env[2].value,
        EnvSource::Text("Bearer $(STACKGEN_SECRET_TOKEN)".into())
    );
}
