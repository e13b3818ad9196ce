//! The block structure of config.alloy, read with a tokenizer after Alloy's
//! scanner: no text of the stack may change it.

use stackgen::Output;

use super::fields::Fields;
use super::run::guarded;
use crate::support::{AlloyBlock, alloy_blocks};

/// config.alloy has the blocks and arguments of the plain base stack (free
/// text never reaches it as syntax); returns its blocks.
pub(super) fn check_alloy_shape(rendered: &Output) -> Vec<AlloyBlock> {
    let blocks = read(rendered);
    assert_eq!(
        &shape(&blocks),
        base_shape(),
        "config.alloy changed structure"
    );
    blocks
}

fn read(rendered: &Output) -> Vec<AlloyBlock> {
    let text = String::from_utf8_lossy(&rendered.bundle.files["alloy/config.alloy"]).into_owned();
    alloy_blocks(&text).unwrap_or_else(|e| panic!("config.alloy does not read ({e}):\n{text}"))
}

/// Each block's path and label with the names of its arguments, values left out.
fn shape(blocks: &[AlloyBlock]) -> Vec<String> {
    blocks
        .iter()
        .map(|block| {
            let arguments: Vec<&str> = block.attributes.iter().map(|(n, _)| n.as_str()).collect();
            format!("{} {:?} {}", block.path, block.label, arguments.join(","))
        })
        .collect()
}

/// The structure of config.alloy for the stack with plain text everywhere.
fn base_shape() -> &'static Vec<String> {
    static BASE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let rendered = guarded(&Fields::uniform("plain").stack()).expect("the base stack renders");
        shape(&read(&rendered))
    })
}
