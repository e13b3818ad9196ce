//! The output directory: no name or path in a stack (service, alert group,
//! dashboard, recording-rule group, TLS file, route) makes stackgen write
//! outside `-o DIR`.

use std::path::Path;

use crate::support::files_under;

use super::run::guarded;

/// No name or path in a stack makes stackgen write outside `-o DIR`.
#[test]
fn nothing_is_written_outside_the_output_directory() {
    let attempts = [
        "[stack]\nname = \"..\"\n[services.\"..\"]\nimage = \"x\"\n",
        "[stack]\nname = \"x\"\n[services.\"../evil\"]\nimage = \"x\"\n",
        "[stack]\nname = \"x\"\n[services.\"/tmp/evil\"]\nimage = \"x\"\n",
        "[stack]\nname = \"../../evil\"\n[services.app]\nimage = \"x\"\nenv-file = [\"../../etc/passwd\"]\nvolumes = [\"../../etc:/host\", \"/etc:/etc2\"]\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nbuild = { context = \"../../..\", dockerfile = \"/etc/passwd\" }\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nexpose = [80]\nmetrics = { path = \"/../../m\" }\n[[alerts]]\nname = \"A\"\nexpr = \"up == 0\"\ngroup = \"../../evil\"\n[[alerts]]\nname = \"B\"\nexpr = \"up == 0\"\ngroup = \"/tmp/evil\"\n",
        "[stack]\nname = \"x\"\n[[dashboards]]\ntitle = \"../../evil\"\nuid = \"../../evil\"\n[[dashboards]]\ntitle = \"/tmp/evil\"\nuid = \"/tmp/evil\"\n",
        "[stack]\nname = \"x\"\n[[recording-rules]]\nrecord = \"a:b:c\"\nexpr = \"up\"\ngroup = \"../../evil\"\n",
        "[stack]\nname = \"x\"\n[services.app]\nimage = \"x\"\nexpose = [80]\n[ingress]\ntls = { certificate = \"../../../etc/passwd\", key = \"/etc/shadow\" }\n[[ingress.routes]]\npath = \"/../../\"\nservice = \"app\"\n",
    ];
    for (position, text) in attempts.iter().enumerate() {
        let root = tempfile::tempdir().expect("temporary directory");
        let out = root.path().join("a").join("out");
        std::fs::create_dir_all(&out).expect("output directory");
        if let Ok(rendered) = guarded(text) {
            for path in rendered.bundle.files.keys() {
                assert!(
                    Path::new(path)
                        .components()
                        .all(|c| matches!(c, std::path::Component::Normal(_))),
                    "attempt {position}: unsafe bundle path {path:?}"
                );
            }
            // An error is fine (it must not be a partial escape); only the effect counts.
            let _ = stackgen::write::write_bundle(&rendered.bundle, &out, false);
        }
        let outside: Vec<_> = files_under(root.path())
            .into_iter()
            .filter(|p| !p.starts_with(&out))
            .collect();
        assert!(outside.is_empty(), "attempt {position} wrote {outside:?}");
    }
}
