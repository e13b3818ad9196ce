//! Fixtures and helpers shared by the integration tests: running the binary,
//! reading its output, listing stacks, reading trees and bundles, snapshots.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackgen::render::Bundle;
use stackgen::{Diagnostic, Error};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `stackgen` binary in the repository root with `NO_COLOR=1`.
pub fn stackgen(args: &[&str]) -> Output {
    stackgen_in(&root(), args)
}

/// Runs the built `stackgen` binary in `dir` with `NO_COLOR=1`.
pub fn stackgen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackgen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("COLUMNS", "100")
        .output()
        .expect("run the stackgen binary")
}

/// The exit code of a finished process (none means it was killed: a failure).
pub fn code(output: &Output) -> i32 {
    output.status.code().expect("an exit code")
}

/// The process's standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The process's standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `*.toml` files directly in `dir` (relative to the repository root), sorted.
pub fn toml_files(dir: &str) -> Vec<PathBuf> {
    let dir = root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// A file's name without its extension.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every file under `dir` (none if it does not exist), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.is_file() {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every file under `dir`, by path relative to `dir`, with its contents.
pub fn read_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|path| {
            let contents = std::fs::read(&path).expect("read file");
            let relative = path.strip_prefix(dir).expect("inside dir").to_path_buf();
            (relative, contents)
        })
        .collect()
}

/// The text of one rendered file of a bundle.
pub fn bundle_text(bundle: &Bundle, path: &str) -> String {
    let bytes = bundle
        .files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not rendered"));
    String::from_utf8(bytes.clone()).unwrap_or_else(|_| panic!("{path} is not UTF-8"))
}

/// The diagnostics of a stack that must be refused as invalid.
pub fn refused(text: &str) -> Vec<Diagnostic> {
    match stackgen::run(
        stackgen::Source::text("stack.toml", text),
        &stackgen::Options::default(),
    ) {
        Err(Error::Invalid(diagnostics)) => diagnostics,
        Err(other) => panic!("unexpected failure: {other}"),
        Ok(_) => panic!("the stack should be refused"),
    }
}

/// Asserts `value` against `snapshots/<name>.snap`.
pub fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => root().join("snapshots"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

/// One block of an Alloy configuration ([`alloy_blocks`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlloyBlock {
    /// Its name and the names of the blocks around it, outermost first,
    /// joined by ` > ` (`discovery.relabel > rule`).
    pub path: String,
    /// Its label (`"containers"` in `discovery.docker "containers" {`).
    pub label: Option<String>,
    /// Its attributes in order, each with every string of its value, escapes read.
    pub attributes: Vec<(String, Vec<String>)>,
}

/// Reads an Alloy configuration into its blocks, in order, with a tokenizer
/// after Alloy's scanner (`//` comments, Go-style strings, dotted names)
/// and a parser of its blocks, attributes and values (strings, references,
/// lists and objects). Fails on anything else.
pub fn alloy_blocks(text: &str) -> Result<Vec<AlloyBlock>, String> {
    let tokens = alloy_tokens(text)?;
    let mut at = 0;
    let mut blocks = Vec::new();
    alloy_body(&tokens, &mut at, None, &mut blocks)?;
    if at == tokens.len() {
        Ok(blocks)
    } else {
        Err(format!("unexpected {:?} at the top level", tokens[at]))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum AlloyToken {
    Name(String),
    Text(String),
    Punct(char),
}

fn alloy_tokens(text: &str) -> Result<Vec<AlloyToken>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '/' => {
                chars.next();
                if chars.next() != Some('/') {
                    return Err("a `/` that starts no comment".to_owned());
                }
                while chars.next_if(|c| *c != '\n').is_some() {}
            }
            '"' => {
                chars.next();
                let mut word = String::new();
                loop {
                    match chars.next() {
                        None | Some('\n') => {
                            return Err(format!("string not terminated: {word:?}"));
                        }
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some('n') => word.push('\n'),
                            Some('t') => word.push('\t'),
                            Some(c @ ('\\' | '"')) => word.push(c),
                            other => return Err(format!("escape \\{other:?} in {word:?}")),
                        },
                        Some(other) => word.push(other),
                    }
                }
                tokens.push(AlloyToken::Text(word));
            }
            '{' | '}' | '[' | ']' | '=' | ',' => {
                chars.next();
                tokens.push(AlloyToken::Punct(c));
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut word = String::new();
                while let Some(c) =
                    chars.next_if(|c| c.is_ascii_alphanumeric() || "_.".contains(*c))
                {
                    word.push(c);
                }
                tokens.push(AlloyToken::Name(word));
            }
            other => return Err(format!("unexpected character {other:?}")),
        }
    }
    Ok(tokens)
}

/// Blocks and attributes up to a `}` or the end; attributes belong to the
/// block at `owner`, blocks are added to `blocks` in order.
fn alloy_body(
    tokens: &[AlloyToken],
    at: &mut usize,
    owner: Option<usize>,
    blocks: &mut Vec<AlloyBlock>,
) -> Result<(), String> {
    while let Some(token) = tokens.get(*at) {
        let AlloyToken::Name(name) = token else {
            if *token == AlloyToken::Punct('}') && owner.is_some() {
                return Ok(());
            }
            return Err(format!("expected a name, found {token:?}"));
        };
        *at += 1;
        if tokens.get(*at) == Some(&AlloyToken::Punct('=')) {
            *at += 1;
            let mut strings = Vec::new();
            alloy_value(tokens, at, &mut strings)?;
            let index = owner.ok_or_else(|| format!("attribute {name} outside a block"))?;
            blocks[index].attributes.push((name.clone(), strings));
            continue;
        }
        let label = match tokens.get(*at) {
            Some(AlloyToken::Text(label)) => {
                *at += 1;
                Some(label.clone())
            }
            _ => None,
        };
        if tokens.get(*at) != Some(&AlloyToken::Punct('{')) {
            return Err(format!("block {name} without `{{`"));
        }
        *at += 1;
        let path = match owner {
            Some(index) => format!("{} > {name}", blocks[index].path),
            None => name.clone(),
        };
        blocks.push(AlloyBlock {
            path,
            label,
            attributes: Vec::new(),
        });
        alloy_body(tokens, at, Some(blocks.len() - 1), blocks)?;
        if tokens.get(*at) != Some(&AlloyToken::Punct('}')) {
            return Err(format!("block {name} not closed"));
        }
        *at += 1;
    }
    if owner.is_some() {
        return Err("a block is not closed".to_owned());
    }
    Ok(())
}

/// One value: a string, a reference, a list or an object; collects its strings.
fn alloy_value(
    tokens: &[AlloyToken],
    at: &mut usize,
    strings: &mut Vec<String>,
) -> Result<(), String> {
    let token = tokens.get(*at).ok_or("a value is missing")?;
    *at += 1;
    match token {
        AlloyToken::Text(text) => strings.push(text.clone()),
        AlloyToken::Name(_) => {}
        AlloyToken::Punct(open @ ('[' | '{')) => {
            let close = if *open == '[' { ']' } else { '}' };
            loop {
                if tokens.get(*at) == Some(&AlloyToken::Punct(close)) {
                    *at += 1;
                    break;
                }
                if *open == '{' {
                    match tokens.get(*at) {
                        Some(AlloyToken::Name(_) | AlloyToken::Text(_)) => *at += 1,
                        other => return Err(format!("an object key, found {other:?}")),
                    }
                    if tokens.get(*at) != Some(&AlloyToken::Punct('=')) {
                        return Err("an object key without `=`".to_owned());
                    }
                    *at += 1;
                }
                alloy_value(tokens, at, strings)?;
                match tokens.get(*at) {
                    Some(AlloyToken::Punct(',')) => *at += 1,
                    Some(AlloyToken::Punct(c)) if *c == close => {}
                    other => return Err(format!("expected `,` or `{close}`, found {other:?}")),
                }
            }
        }
        other @ AlloyToken::Punct(_) => return Err(format!("unexpected {other:?} as a value")),
    }
    Ok(())
}

pub mod random_stack;
