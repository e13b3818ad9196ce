//! Compares emitted YAML with an [`Expected`] value on the parser's event
//! stream: one pass over granit-parser's events beside the expected nodes,
//! with no deserializer between them and nothing allocated per node.
//!
//! The structure must be the one written: the same kinds, lengths, keys in
//! the same order, no duplicate keys, a single document, and no anchors,
//! aliases, tags or `%YAML` directives (stackgen writes none). A quoted or
//! block scalar is a string; a plain one is what [`plain::resolve`] says
//! every reader makes of it, so a string must not read as anything else in
//! YAML 1.1 or 1.2, a number must read as the same value, a boolean is
//! `true`/`false` and null is `null`, `~` or nothing.

use std::fmt::{self, Display};

use granit_parser::{Event, Parser, ScalarStyle};

use super::expected::{Expected, Node};
use super::plain::{self, Plain};
use super::read_back::{Described, Mismatch, Number, push_segment};

/// Collections nested deeper than this are refused, as serde-saphyr's
/// default budget refuses them.
const MAX_DEPTH: usize = 64;

/// Why the emitted text is not the value written.
#[derive(Debug)]
pub enum Failure {
    /// It reads as something else, there.
    Differs(Mismatch),
    /// It is not YAML the check reads.
    Unreadable(String),
}

/// Parses `body` and compares it with `expected` as it goes.
pub fn check(expected: &Expected, body: &str) -> Result<(), Failure> {
    let mut options = granit_parser::Options::default();
    options.set_emit_comments(false);
    let mut walk = Walk {
        expected,
        next: 0,
        frames: Vec::new(),
        keys: Vec::new(),
        documents: 0,
    };
    for next in Parser::new_from_str_with_options(body, options) {
        let (event, _span) = next.map_err(|error| Failure::Unreadable(error.to_string()))?;
        walk.event(event)?;
    }
    walk.finish()
}

/// The comparison's state: the next expected node and the open collections.
struct Walk<'e> {
    expected: &'e Expected,
    /// Index of the next node of `expected` to compare.
    next: usize,
    /// The collections open around the current node, outermost first.
    frames: Vec<Frame<'e>>,
    /// The keys read so far in every open map, for the duplicate check.
    keys: Vec<&'e str>,
    /// Documents started.
    documents: usize,
}

/// An open collection.
enum Frame<'e> {
    Seq {
        len: usize,
        /// Items started, counting the one being read.
        read: usize,
    },
    Map {
        len: usize,
        /// Keys read.
        read: usize,
        /// The last key read: the path segment of its value.
        key: &'e str,
        /// Whether the next node is the value of `key`.
        value_next: bool,
        /// Where this map's keys start in [`Walk::keys`].
        keys_from: usize,
    },
}

/// Where the next node goes.
enum Slot {
    /// A value: the document's root, a sequence item or a map value.
    Value,
    /// A key of the innermost map.
    Key,
}

/// Something read, described for a mismatch message.
enum Read<'a> {
    Scalar(&'a str, ScalarStyle),
    Seq,
    Map,
    Alias,
    Anchor,
    Tag,
}

impl Walk<'_> {
    fn event(&mut self, event: Event<'_>) -> Result<(), Failure> {
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::StreamEnd => Ok(()),
            Event::DocumentStart(_, version) => {
                self.documents += 1;
                if self.documents > 1 {
                    Err(self.differs(0, "one document", "a second document"))
                } else if version.is_some() {
                    Err(self.differs(0, "no directive", "a %YAML directive"))
                } else {
                    Ok(())
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let slot = self.slot()?;
                self.properties(&slot, anchor, tag.is_some())?;
                match slot {
                    Slot::Value => self.scalar(&text, style),
                    Slot::Key => self.key(Read::Scalar(&text, style)),
                }
            }
            Event::SequenceStart(_, anchor, tag) => {
                let slot = self.slot()?;
                self.properties(&slot, anchor, tag.is_some())?;
                self.open(&slot, Read::Seq)
            }
            Event::MappingStart(_, anchor, tag) => {
                let slot = self.slot()?;
                self.properties(&slot, anchor, tag.is_some())?;
                self.open(&slot, Read::Map)
            }
            Event::SequenceEnd => self.end_seq(),
            Event::MappingEnd => self.end_map(),
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                let slot = self.slot()?;
                match slot {
                    Slot::Value => self.mismatched_value(Read::Alias),
                    Slot::Key => self.key(Read::Alias),
                }
            }
            other => Err(Failure::Unreadable(format!(
                "unexpected parser event {other:?}"
            ))),
        }
    }

    /// Everything read: the whole value must have been.
    fn finish(&self) -> Result<(), Failure> {
        if self.next < self.expected.nodes.len() {
            let wrote = self.expected.nodes[self.next];
            Err(self.differs(0, Described(self.expected, wrote), "nothing"))
        } else {
            Ok(())
        }
    }

    /// Takes the next node position in the innermost collection.
    fn slot(&mut self) -> Result<Slot, Failure> {
        let depth = self.frames.len();
        match self.frames.last_mut() {
            None => Ok(Slot::Value),
            Some(Frame::Seq { len, read }) => {
                if *read == *len {
                    let len = *len;
                    Err(self.differs(
                        depth - 1,
                        format_args!("a sequence of {len} items"),
                        "more items",
                    ))
                } else {
                    *read += 1;
                    Ok(Slot::Value)
                }
            }
            Some(Frame::Map { value_next, .. }) => {
                if *value_next {
                    *value_next = false;
                    Ok(Slot::Value)
                } else {
                    Ok(Slot::Key)
                }
            }
        }
    }

    /// Anchors and tags never appear in stackgen's output.
    fn properties(&mut self, slot: &Slot, anchor: usize, tagged: bool) -> Result<(), Failure> {
        let read = match (anchor, tagged) {
            (0, false) => return Ok(()),
            (0, true) => Read::Tag,
            _ => Read::Anchor,
        };
        match slot {
            Slot::Value => self.mismatched_value(read),
            Slot::Key => self.key(read),
        }
    }

    fn take(&mut self) -> Option<Node> {
        let node = self.expected.nodes.get(self.next).copied();
        self.next += 1;
        node
    }

    fn text(&self, start: usize, end: usize) -> &str {
        &self.expected.text[start..end]
    }

    /// Compares a scalar read as a value with the next node.
    fn scalar(&mut self, text: &str, style: ScalarStyle) -> Result<(), Failure> {
        let node = self.take();
        let plain = style == ScalarStyle::Plain;
        let same = match node {
            Some(Node::Str { start, end }) => {
                self.text(start, end) == text && (!plain || plain::resolve(text) == Plain::Str)
            }
            Some(Node::Null) => plain && plain::resolve(text) == Plain::Null,
            Some(Node::Bool(value)) => plain && plain::resolve(text) == Plain::Bool(value),
            Some(Node::Int(value)) => plain && same_number(text, Number::Int(value.into())),
            Some(Node::UInt(value)) => plain && same_number(text, Number::Int(value.into())),
            Some(Node::Float(value)) => plain && same_number(text, Number::Float(value)),
            Some(Node::Seq { .. } | Node::Map { .. }) | None => false,
        };
        if same {
            Ok(())
        } else {
            Err(self.value_differs(node, Read::Scalar(text, style)))
        }
    }

    /// Opens a sequence or map read as a value; as a key, it is a mismatch.
    fn open(&mut self, slot: &Slot, read: Read<'_>) -> Result<(), Failure> {
        if let Slot::Key = slot {
            return self.key(read);
        }
        let node = self.take();
        let frame = match (node, &read) {
            (Some(Node::Seq { len }), Read::Seq) => Frame::Seq { len, read: 0 },
            (Some(Node::Map { len }), Read::Map) => Frame::Map {
                len,
                read: 0,
                key: "",
                value_next: false,
                keys_from: self.keys.len(),
            },
            _ => return Err(self.value_differs(node, read)),
        };
        if self.frames.len() == MAX_DEPTH {
            return Err(Failure::Unreadable(format!(
                "collections are nested deeper than {MAX_DEPTH}"
            )));
        }
        self.frames.push(frame);
        Ok(())
    }

    /// Takes the node of a value whose read form cannot match, and reports it.
    fn mismatched_value(&mut self, read: Read<'_>) -> Result<(), Failure> {
        let node = self.take();
        Err(self.value_differs(node, read))
    }

    /// Compares what was read in a key position with the next expected key.
    fn key(&mut self, read: Read<'_>) -> Result<(), Failure> {
        let depth = self.frames.len() - 1;
        let Some(Frame::Map {
            len, read: count, ..
        }) = self.frames.last()
        else {
            return Err(Failure::Unreadable("a key outside a map".to_owned()));
        };
        let (len, count) = (*len, *count);
        if count == len {
            let extra = match read {
                Read::Scalar(text, _) => format!("the extra key {text:?}"),
                other => format!("an extra key, {other}"),
            };
            return Err(self.differs(depth, format_args!("a map of {len} entries"), extra));
        }
        let Some(Node::Str { start, end }) = self.take() else {
            return Err(Failure::Unreadable(
                "the value written has a map key that is not a string".to_owned(),
            ));
        };
        let expected = self.expected;
        let key = &expected.text[start..end];
        let same = match &read {
            Read::Scalar(text, style) => {
                *text == key && (*style != ScalarStyle::Plain || plain::resolve(text) == Plain::Str)
            }
            _ => false,
        };
        if !same {
            let read = match read {
                Read::Scalar(text, style)
                    if style != ScalarStyle::Plain || plain::resolve(text) == Plain::Str =>
                {
                    format!("the key {text:?}")
                }
                Read::Scalar(..) => read.to_string(),
                other => format!("{other} as a key"),
            };
            return Err(self.differs(depth, format_args!("the key {key:?}"), read));
        }
        if let Some(Frame::Map {
            read: count,
            key: current,
            value_next,
            ..
        }) = self.frames.last_mut()
        {
            *count += 1;
            *current = key;
            *value_next = true;
        }
        self.keys.push(key);
        Ok(())
    }

    fn end_seq(&mut self) -> Result<(), Failure> {
        match self.frames.pop() {
            Some(Frame::Seq { len, read }) if read < len => Err(self.differs(
                self.frames.len(),
                format_args!("a sequence of {len} items"),
                format_args!("{read} items"),
            )),
            Some(Frame::Seq { .. }) => Ok(()),
            _ => Err(Failure::Unreadable(
                "a sequence end outside a sequence".to_owned(),
            )),
        }
    }

    fn end_map(&mut self) -> Result<(), Failure> {
        let Some(Frame::Map {
            len,
            read,
            keys_from,
            ..
        }) = self.frames.pop()
        else {
            return Err(Failure::Unreadable("a map end outside a map".to_owned()));
        };
        let depth = self.frames.len();
        if read < len {
            let wrote = match self.expected.nodes.get(self.next) {
                Some(&Node::Str { start, end }) => format!("the key {:?}", self.text(start, end)),
                _ => format!("a map of {len} entries"),
            };
            return Err(self.differs(depth, wrote, format_args!("a map of {read} entries")));
        }
        if let Some(key) = duplicate(&mut self.keys[keys_from..]) {
            return Err(self.differs(
                depth,
                format_args!("the key {key:?} twice"),
                format_args!("a duplicate key {key:?}"),
            ));
        }
        self.keys.truncate(keys_from);
        Ok(())
    }

    /// A value (at the path of every open collection) that differs.
    fn value_differs(&self, node: Option<Node>, read: Read<'_>) -> Failure {
        let wrote = node.map_or_else(
            || "nothing".to_owned(),
            |node| Described(self.expected, node).to_string(),
        );
        self.differs(self.frames.len(), wrote, read)
    }

    /// A difference at the path of the outermost `depth` open collections.
    fn differs(&self, depth: usize, wrote: impl Display, read: impl Display) -> Failure {
        let mut pointer = String::new();
        for frame in &self.frames[..depth] {
            match frame {
                Frame::Seq { read, .. } => push_segment(&mut pointer, &(read - 1).to_string()),
                Frame::Map { key, .. } => push_segment(&mut pointer, key),
            }
        }
        Failure::Differs(Mismatch {
            pointer,
            detail: format!("wrote {wrote}, read {read}"),
        })
    }
}

/// Whether a plain scalar reads as `number`, by value.
fn same_number(text: &str, number: Number) -> bool {
    matches!(plain::resolve(text), Plain::Number(read) if number.same_value(read))
}

/// A key that occurs twice among `keys` (which it reorders), if one does.
fn duplicate<'k>(keys: &mut [&'k str]) -> Option<&'k str> {
    if keys.len() <= 16 {
        return keys
            .iter()
            .enumerate()
            .find(|(i, key)| keys[i + 1..].contains(key))
            .map(|(_, key)| *key);
    }
    keys.sort_unstable();
    keys.windows(2)
        .find(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
}

impl Display for Read<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Scalar(text, ScalarStyle::Plain) => match plain::resolve(text) {
                Plain::Null => f.write_str("null"),
                Plain::Bool(value) => write!(f, "the boolean {value}"),
                Plain::Number(number) => number.fmt(f),
                Plain::NotString(kind) => write!(f, "the plain {kind} {text:?}"),
                Plain::Str => write!(f, "the string {text:?}"),
            },
            Self::Scalar(text, _) => write!(f, "the string {text:?}"),
            Self::Seq => f.write_str("a sequence"),
            Self::Map => f.write_str("a map"),
            Self::Alias => f.write_str("an alias"),
            Self::Anchor => f.write_str("an anchor"),
            Self::Tag => f.write_str("a tag"),
        }
    }
}

#[cfg(test)]
mod tests {
    use indexmap::IndexMap;
    use proptest::prelude::*;
    use serde::Serialize;

    use super::{Failure, check};
    use crate::render::format::expected::Expected;

    /// Plain scalars some reader takes for something other than a string,
    /// one of each class, with how the mismatch describes them.
    const NOT_STRINGS: &[(&str, &str)] = &[
        ("yes", "the plain boolean \"yes\""),
        ("No", "the plain boolean \"No\""),
        ("ON", "the plain boolean \"ON\""),
        ("off", "the plain boolean \"off\""),
        ("y", "the plain boolean \"y\""),
        ("N", "the plain boolean \"N\""),
        ("True", "the plain boolean \"True\""),
        ("true", "the boolean true"),
        ("false", "the boolean false"),
        ("null", "null"),
        ("~", "null"),
        ("NULL", "the plain null \"NULL\""),
        ("12", "the number 12"),
        ("-3", "the number -3"),
        ("+4", "the number 4"),
        ("1.5", "the number 1.5"),
        ("0x1F", "the plain number \"0x1F\""),
        ("0o17", "the plain number \"0o17\""),
        ("017", "the plain number \"017\""),
        ("0b101", "the plain number \"0b101\""),
        ("1_000", "the plain number \"1_000\""),
        ("1:20", "the plain number \"1:20\""),
        ("1e3", "the plain number \"1e3\""),
        ("1.2.3", "the plain number \"1.2.3\""),
        (".inf", "the plain number \".inf\""),
        ("-.Inf", "the plain number \"-.Inf\""),
        (".NaN", "the plain number \".NaN\""),
        ("2001-12-14", "the plain timestamp \"2001-12-14\""),
        (
            "2001-12-14 21:59:43.10 -5",
            "the plain timestamp \"2001-12-14 21:59:43.10 -5\"",
        ),
        ("<<", "the plain merge key \"<<\""),
        ("=", "the plain value key \"=\""),
    ];

    fn expected<T: Serialize + ?Sized>(value: &T) -> Expected {
        Expected::of(value).expect("records")
    }

    #[track_caller]
    fn reads_back<T: Serialize + ?Sized>(value: &T, body: &str) {
        if let Err(failure) = check(&expected(value), body) {
            panic!("{body:?} does not read back: {failure:?}");
        }
    }

    #[track_caller]
    fn differs<T: Serialize + ?Sized>(value: &T, body: &str) -> String {
        match check(&expected(value), body) {
            Err(Failure::Differs(mismatch)) => mismatch.to_string(),
            other => panic!("{body:?}: expected a difference, got {other:?}"),
        }
    }

    #[track_caller]
    fn unreadable<T: Serialize + ?Sized>(value: &T, body: &str) -> String {
        match check(&expected(value), body) {
            Err(Failure::Unreadable(message)) => message,
            other => panic!("{body:?}: expected a parse failure, got {other:?}"),
        }
    }

    #[test]
    fn plain_scalars_that_are_not_strings_in_yaml_1_1_or_1_2_do_not_match_strings() {
        for (text, read) in NOT_STRINGS {
            assert_eq!(
                differs(&[text], &format!("- {text}\n")),
                format!("at /0: wrote the string {text:?}, read {read}")
            );
            assert_eq!(
                differs(&IndexMap::from([("k", text)]), &format!("k: {text}\n")),
                format!("at /k: wrote the string {text:?}, read {read}")
            );
        }
        assert_eq!(
            differs(&[""], "- \n"),
            "at /0: wrote the string \"\", read null"
        );
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        for (text, _) in NOT_STRINGS {
            reads_back(&[text], &format!("- \"{text}\"\n"));
            reads_back(&[text], &format!("- '{text}'\n"));
            reads_back(&[text], &format!("- |-\n  {text}\n"));
            reads_back(&[text], &format!("- >-\n  {text}\n"));
        }
        reads_back(&["", ""], "- \"\"\n- ''\n");
        reads_back(
            &["web", "a b", "10s", "1:60", "2001-12-14 x"],
            "- web\n- a b\n- 10s\n- 1:60\n- 2001-12-14 x\n",
        );
    }

    #[test]
    fn what_the_emitter_writes_for_every_class_reads_back() {
        for (text, _) in NOT_STRINGS {
            let value = IndexMap::from([(*text, vec![*text])]);
            let body = serde_saphyr::to_string(&value).expect("serializes");
            reads_back(&value, &body);
        }
    }

    #[test]
    fn keys_must_be_strings_in_both_schemas() {
        assert_eq!(
            differs(&IndexMap::from([("no", 1)]), "no: 1\n"),
            "at the top level: wrote the key \"no\", read the plain boolean \"no\""
        );
        assert_eq!(
            differs(&IndexMap::from([("80", 1)]), "80: 1\n"),
            "at the top level: wrote the key \"80\", read the number 80"
        );
        reads_back(
            &IndexMap::from([("no", 1), ("80", 2)]),
            "\"no\": 1\n'80': 2\n",
        );
        assert_eq!(
            differs(&IndexMap::from([("a", 1)]), "? [a]\n: 1\n"),
            "at the top level: wrote the key \"a\", read a sequence as a key"
        );
    }

    #[test]
    fn numbers_must_read_as_the_same_value_in_both_schemas() {
        reads_back(
            &[1.5, 1.0, 100_000.0, 4.0e-6],
            "- 1.50\n- 1\n- 1.0e+5\n- 4.0e-6\n",
        );
        reads_back(&[1_u64 << 63, 0, 7], "- 9223372036854775808\n- -0\n- 7.0\n");
        reads_back(&[-12_i64], "- -12\n");
        assert_eq!(
            differs(&[8], "- 010\n"),
            "at /0: wrote the number 8, read the plain number \"010\""
        );
        assert_eq!(
            differs(&[1000], "- 1e3\n"),
            "at /0: wrote the number 1000, read the plain number \"1e3\""
        );
        assert_eq!(
            differs(&[1000.0], "- 1.0e3\n"),
            "at /0: wrote the number 1000.0, read the plain number \"1.0e3\""
        );
        assert_eq!(
            differs(&[16], "- 0x10\n"),
            "at /0: wrote the number 16, read the plain number \"0x10\""
        );
        assert_eq!(
            differs(&[1], "- \"1\"\n"),
            "at /0: wrote the number 1, read the string \"1\""
        );
        assert_eq!(
            differs(&[0.5], "- 0.25\n"),
            "at /0: wrote the number 0.5, read the number 0.25"
        );
    }

    #[test]
    fn booleans_and_null_have_one_spelling() {
        reads_back(&[true, false], "- true\n- false\n");
        reads_back(&[None::<u8>, None, None], "- ~\n- null\n-\n");
        assert_eq!(
            differs(&[true], "- True\n"),
            "at /0: wrote the boolean true, read the plain boolean \"True\""
        );
        assert_eq!(
            differs(&[false], "- no\n"),
            "at /0: wrote the boolean false, read the plain boolean \"no\""
        );
        assert_eq!(
            differs(&[true], "- \"true\"\n"),
            "at /0: wrote the boolean true, read the string \"true\""
        );
        assert_eq!(
            differs(&[None::<u8>], "- Null\n"),
            "at /0: wrote null, read the plain null \"Null\""
        );
        assert_eq!(
            differs(&[None::<u8>], "- 'null'\n"),
            "at /0: wrote null, read the string \"null\""
        );
    }

    #[test]
    fn anchors_aliases_tags_and_directives_never_match() {
        assert_eq!(
            differs(&["x"], "- &a x\n"),
            "at /0: wrote the string \"x\", read an anchor"
        );
        assert_eq!(
            differs(&IndexMap::from([("a", [1])]), "a: &x [1]\n"),
            "at /a: wrote a sequence of 1 items, read an anchor"
        );
        assert_eq!(
            differs(&IndexMap::from([("a", 1)]), "&k a: 1\n"),
            "at the top level: wrote the key \"a\", read an anchor as a key"
        );
        assert_eq!(
            differs(&["x"], "- !!str x\n"),
            "at /0: wrote the string \"x\", read a tag"
        );
        assert_eq!(
            differs(&IndexMap::from([("a", "x")]), "a: !local x\n"),
            "at /a: wrote the string \"x\", read a tag"
        );
        assert!(unreadable(&["x"], "- *a\n").contains("unknown anchor"));
        assert_eq!(
            differs(&"x", "x\n---\nx\n"),
            "at the top level: wrote one document, read a second document"
        );
        assert_eq!(
            differs(&"x", "%YAML 1.1\n---\nx\n"),
            "at the top level: wrote no directive, read a %YAML directive"
        );
    }

    #[derive(Serialize)]
    struct Repeated<T> {
        k0: u8,
        #[serde(flatten)]
        rest: T,
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let small = Repeated {
            k0: 1,
            rest: IndexMap::from([("k1", 2), ("k0", 3)]),
        };
        assert_eq!(
            differs(&small, "k0: 1\nk1: 2\nk0: 3\n"),
            "at the top level: wrote the key \"k0\" twice, read a duplicate key \"k0\""
        );
        let large = IndexMap::from([(
            "outer",
            Repeated {
                k0: 1,
                rest: (1..20)
                    .map(|i| (format!("k{}", i % 19), i))
                    .collect::<IndexMap<_, _>>(),
            },
        )]);
        let body = serde_saphyr::to_string(&large).expect("serializes");
        assert_eq!(
            differs(&large, &body),
            "at /outer: wrote the key \"k0\" twice, read a duplicate key \"k0\""
        );
    }

    #[test]
    fn kinds_and_lengths_must_match() {
        assert_eq!(
            differs(&[vec![1]], "- {a: 1}\n"),
            "at /0: wrote a sequence of 1 items, read a map"
        );
        assert_eq!(
            differs(
                &IndexMap::from([("a", IndexMap::<String, u8>::new())]),
                "a: x\n"
            ),
            "at /a: wrote a map of 0 entries, read the string \"x\""
        );
        assert_eq!(
            differs(&IndexMap::from([("a/b~c", [[1, 2]])]), "a/b~c:\n- - 1\n"),
            "at /a~1b~0c/0: wrote a sequence of 2 items, read 1 items"
        );
        assert_eq!(
            differs(&"x", ""),
            "at the top level: wrote the string \"x\", read nothing"
        );
    }

    #[test]
    fn nesting_is_bounded() {
        fn nested(depth: usize) -> serde_json::Value {
            (0..depth).fold(serde_json::json!(1), |inner, _| serde_json::json!([inner]))
        }
        let body = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        reads_back(&nested(64), &body(64));
        assert_eq!(
            unreadable(&nested(65), &body(65)),
            "collections are nested deeper than 64"
        );
    }

    /// Characters that make plain scalars ambiguous, and some that do not.
    const TRICKY: &[char] = &[
        '0', '1', '7', '9', '+', '-', '.', '_', ':', 'e', 'E', 'x', 'o', 'b', 'T', 'Z', 'y', 'Y',
        'n', 'N', 'O', 'f', 'F', 'a', 'A', 'i', 'I', 'l', 's', 't', 'u', 'r', '~', '<', '=', ' ',
        '\t', '#', ',', '[', '"', '\'',
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

        /// Whatever serde-saphyr writes for a string, as a key or a value,
        /// passes the stricter check: it quotes what YAML 1.1 would misread.
        #[test]
        fn emitted_strings_read_back(chars in prop::collection::vec(prop::sample::select(TRICKY), 0..10)) {
            let text: String = chars.into_iter().collect();
            let value = IndexMap::from([(text.clone(), vec![text])]);
            let body = serde_saphyr::to_string(&value).expect("serializes");
            prop_assert!(check(&expected(&value), &body).is_ok(), "{body:?}");
        }
    }
}
