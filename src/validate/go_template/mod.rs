//! Alert labels and annotations are Go templates: Prometheus parses each
//! one (`promtool check rules` too) after its own prelude
//! `{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`,
//! with the template functions of Prometheus 2.42. This is a port of the
//! checks Go's `text/template/parse` makes while parsing: balanced actions
//! and control structures, defined functions and variables, well-formed
//! pipelines. `{{define}}`, `{{template}}` and `{{block}}` are refused:
//! an alert's text cannot call a template defined elsewhere.

mod lex;

use indexmap::IndexMap;
use lex::{Item, lex};

use super::Checker;
use crate::config::AlertRule;
use crate::error::ErrorKind;
use crate::load::pointer;
use crate::plan::alerts::expand_label_templates;

/// Go's built-in template functions and those Prometheus 2.42 adds.
const FUNCTIONS: [&str; 45] = [
    "and",
    "args",
    "call",
    "eq",
    "externalURL",
    "first",
    "ge",
    "graphLink",
    "gt",
    "html",
    "humanize",
    "humanize1024",
    "humanizeDuration",
    "humanizePercentage",
    "humanizeTimestamp",
    "index",
    "js",
    "label",
    "le",
    "len",
    "lt",
    "match",
    "ne",
    "not",
    "or",
    "parseDuration",
    "pathPrefix",
    "print",
    "printf",
    "println",
    "query",
    "reReplaceAll",
    "safeHtml",
    "slice",
    "sortByLabel",
    "stripDomain",
    "stripPort",
    "strvalue",
    "tableLink",
    "title",
    "toLower",
    "toTime",
    "toUpper",
    "urlquery",
    "value",
];

/// The variables Prometheus's prelude declares.
const PRELUDE_VARIABLES: [&str; 5] = ["$", "$labels", "$externalLabels", "$externalURL", "$value"];

/// How deep control structures and parentheses may nest.
const MAX_DEPTH: usize = 100;

/// Checks the labels and annotations of every alert of the stack's own.
pub fn check_alerts(checker: &mut Checker<'_>) {
    let stack = checker.stack;
    for (position, alert) in stack.alerts.iter().enumerate() {
        let index = position.to_string();
        let annotations = [
            ("summary", alert.summary.as_deref()),
            ("description", alert.description.as_deref()),
            ("runbook-url", alert.runbook_url.as_deref()),
        ];
        let labels = alert
            .labels
            .iter()
            .map(|(key, value)| (pointer(["alerts", &index, "labels", key]), value.as_str()));
        let fields: Vec<(String, &str)> = annotations
            .into_iter()
            .filter_map(|(key, text)| Some((pointer(["alerts", &index, key]), text?)))
            .chain(labels)
            .collect();
        let mut valid = true;
        for (at, text) in fields {
            if let Err(message) = check(text) {
                checker.error(&at, ErrorKind::InvalidTemplate { message });
                valid = false;
            }
        }
        if valid {
            check_expectations(checker, &index, alert);
        }
    }
}

/// A unit test compares the alert's labels and annotations as Prometheus
/// expands them. stackgen writes the expected values itself when the
/// templates are only `{{ $labels.name }}` and string constants; any other
/// label template cannot be tested, and any other annotation must be given
/// in the expected alert.
fn check_expectations(checker: &mut Checker<'_>, index: &str, alert: &AlertRule) {
    if alert.tests.iter().all(|test| test.expect.is_empty()) {
        return;
    }
    for (key, value) in &alert.labels {
        if !expands_itself(value) {
            checker.error(
                &pointer(["alerts", index, "labels", key]),
                ErrorKind::UntestableTemplate {
                    field: format!("label `{key}`"),
                    fix: "in an alert with tests, label templates may only use `{{ $labels.name }}`; move the rest into an annotation".to_owned(),
                },
            );
        }
    }
    let untestable: Vec<&str> = [
        ("summary", alert.summary.as_deref()),
        ("description", alert.description.as_deref()),
        ("runbook_url", alert.runbook_url.as_deref()),
    ]
    .into_iter()
    .filter_map(|(key, text)| {
        text.is_some_and(|text| !expands_itself(text))
            .then_some(key)
    })
    .collect();
    for (t, test) in alert.tests.iter().enumerate() {
        for (e, expect) in test.expect.iter().enumerate() {
            for key in untestable
                .iter()
                .filter(|key| !expect.annotations.contains_key(**key))
            {
                checker.error(
                    &pointer(["alerts", index, "tests", &t.to_string(), "expect", &e.to_string()]),
                    ErrorKind::UntestableTemplate {
                        field: format!("annotation `{key}`"),
                        fix: format!("add `annotations = {{ {key} = \"...\" }}` to the expected alert, written as Prometheus renders it (stackgen expands only `{{{{ $labels.name }}}}` itself)"),
                    },
                );
            }
        }
    }
}

/// Whether stackgen can expand `text` itself, whatever the series' labels
/// ([`expand_label_templates`] fails on the form of a template, never on a
/// missing label).
fn expands_itself(text: &str) -> bool {
    expand_label_templates(text, &IndexMap::new()).is_some()
}

/// Checks `text` as Prometheus parses an alert's label or annotation.
pub fn check(text: &str) -> Result<(), String> {
    if !text.contains("{{") {
        return Ok(());
    }
    let items = lex(text)?;
    let mut parser = Parser {
        items: &items,
        at: 0,
        variables: PRELUDE_VARIABLES.iter().map(|&v| v.to_owned()).collect(),
        range_depth: 0,
        depth: 0,
    };
    parser.template()
}

/// What an action turned out to be, for the list that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Plain,
    End,
    Else { with_if: bool },
}

/// The kind of an operand, as far as the parser's checks need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operand {
    /// A literal or `.`: cannot take fields or start a later pipeline stage.
    Constant,
    Executable,
}

struct Parser<'i, 'a> {
    items: &'i [Item<'a>],
    at: usize,
    variables: Vec<String>,
    range_depth: usize,
    depth: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Item<'a> {
        self.items.get(self.at).copied().unwrap_or(Item::Eof)
    }

    fn next(&mut self) -> Item<'a> {
        let item = self.peek();
        if item != Item::Eof {
            self.at += 1;
        }
        item
    }

    fn skip_space(&mut self) {
        while self.peek() == Item::Space {
            self.at += 1;
        }
    }

    fn peek_non_space(&mut self) -> Item<'a> {
        self.skip_space();
        self.peek()
    }

    fn next_non_space(&mut self) -> Item<'a> {
        self.skip_space();
        self.next()
    }

    fn expect_right_delim(&mut self, context: &str) -> Result<(), String> {
        match self.next_non_space() {
            Item::RightDelim => Ok(()),
            other => Err(unexpected(other, context)),
        }
    }

    fn template(&mut self) -> Result<(), String> {
        loop {
            match self.next() {
                Item::Eof => return Ok(()),
                Item::LeftDelim => match self.action()? {
                    Action::Plain => {}
                    Action::End => return Err("unexpected {{end}}".to_owned()),
                    Action::Else { .. } => return Err("unexpected {{else}}".to_owned()),
                },
                _ => {}
            }
        }
    }

    /// The items up to the `{{end}}` or `{{else}}` that closes them.
    fn list(&mut self) -> Result<Action, String> {
        loop {
            match self.next() {
                Item::Eof => {
                    return Err(
                        "unexpected EOF: an {{if}}, {{range}} or {{with}} has no {{end}}"
                            .to_owned(),
                    );
                }
                Item::LeftDelim => match self.action()? {
                    Action::Plain => {}
                    closing => return Ok(closing),
                },
                Item::Comment => {}
                other => return Err(unexpected(other, "input")),
            }
        }
    }

    fn action(&mut self) -> Result<Action, String> {
        let start = self.at;
        match self.next_non_space() {
            Item::Keyword("if") => self.control("if").map(|()| Action::Plain),
            Item::Keyword("range") => self.control("range").map(|()| Action::Plain),
            Item::Keyword("with") => self.control("with").map(|()| Action::Plain),
            Item::Keyword("end") => self.expect_right_delim("end").map(|()| Action::End),
            Item::Keyword("else") => {
                if self.peek_non_space() == Item::Keyword("if") {
                    return Ok(Action::Else { with_if: true });
                }
                self.expect_right_delim("else")
                    .map(|()| Action::Else { with_if: false })
            }
            Item::Keyword(word @ ("break" | "continue")) => {
                self.expect_right_delim(word)?;
                if self.range_depth == 0 {
                    return Err(format!("{{{{{word}}}}} outside {{{{range}}}}"));
                }
                Ok(Action::Plain)
            }
            Item::Keyword(word) => Err(format!(
                "{{{{{word}}}}} is not accepted in an alert's text: write the text out in place"
            )),
            _ => {
                self.at = start;
                // Variables declared here last until the enclosing {{end}}.
                self.pipeline("command", Item::RightDelim)?;
                Ok(Action::Plain)
            }
        }
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!(
                "actions and parentheses nest more than {MAX_DEPTH} deep"
            ));
        }
        Ok(())
    }

    /// `{{if}}`, `{{range}}` or `{{with}}` up to its `{{end}}`.
    fn control(&mut self, context: &'static str) -> Result<(), String> {
        self.deeper()?;
        let variables = self.variables.len();
        self.pipeline(context, Item::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let closing = self.list()?;
        if context == "range" {
            self.range_depth -= 1;
        }
        match closing {
            Action::Else { with_if: true } if context == "if" => {
                self.next_non_space();
                // One {{end}} closes the whole else-if chain.
                self.control("if")?;
            }
            Action::Else { with_if: true } => {
                return Err(format!("unexpected {{{{else if}}}} in {{{{{context}}}}}"));
            }
            Action::Else { with_if: false } => {
                if self.list()? != Action::End {
                    return Err("expected end; found {{else}}".to_owned());
                }
            }
            Action::End | Action::Plain => {}
        }
        self.variables.truncate(variables);
        self.depth -= 1;
        Ok(())
    }

    fn pipeline(&mut self, context: &str, end: Item<'a>) -> Result<(), String> {
        self.declarations(context)?;
        let mut stages = 0;
        let mut after_pipe = false;
        loop {
            let start = self.at;
            match self.next_non_space() {
                item if item == end => {
                    if stages == 0 {
                        return Err(format!("missing value for {context}"));
                    }
                    if after_pipe {
                        return Err(format!("missing command after \"|\" in {context}"));
                    }
                    return Ok(());
                }
                Item::Bool
                | Item::Dot
                | Item::Field
                | Item::Identifier(_)
                | Item::Number
                | Item::Nil
                | Item::Str
                | Item::Variable(_)
                | Item::LeftParen => {
                    self.at = start;
                    let (first, piped) = self.command()?;
                    stages += 1;
                    if stages > 1 && first == Operand::Constant {
                        return Err(format!("non executable command in pipeline stage {stages}"));
                    }
                    after_pipe = piped;
                }
                other => return Err(unexpected(other, context)),
            }
        }
    }

    /// `$x :=`, `$x =` and `range $i, $e :=` before a pipeline.
    fn declarations(&mut self, context: &str) -> Result<(), String> {
        let mut declared = 0;
        loop {
            let start = self.at;
            let Item::Variable(name) = self.next_non_space() else {
                self.at = start;
                return Ok(());
            };
            match self.peek_non_space() {
                Item::Assign | Item::Declare => {
                    self.next();
                    self.variables.push(name.to_owned());
                    return Ok(());
                }
                Item::Char(',') => {
                    self.next();
                    self.variables.push(name.to_owned());
                    declared += 1;
                    if context == "range" && declared < 2 {
                        match self.peek_non_space() {
                            Item::Variable(_) | Item::RightDelim | Item::RightParen => continue,
                            _ => return Err("range can only initialize variables".to_owned()),
                        }
                    }
                    return Err(format!("too many declarations in {context}"));
                }
                _ => {
                    self.at = start;
                    return Ok(());
                }
            }
        }
    }

    /// One stage of a pipeline: its first operand's kind, and whether a `|`
    /// follows it.
    fn command(&mut self) -> Result<(Operand, bool), String> {
        let mut first = None;
        loop {
            self.skip_space();
            if let Some(operand) = self.operand()? {
                first.get_or_insert(operand);
            }
            match self.next() {
                Item::Space => {}
                Item::RightDelim | Item::RightParen => {
                    self.at -= 1;
                    break;
                }
                Item::Pipe => {
                    return first
                        .map(|first| (first, true))
                        .ok_or_else(|| "empty command".to_owned());
                }
                other => return Err(unexpected(other, "operand")),
            }
        }
        first
            .map(|first| (first, false))
            .ok_or_else(|| "empty command".to_owned())
    }

    fn operand(&mut self) -> Result<Option<Operand>, String> {
        let Some(operand) = self.term()? else {
            return Ok(None);
        };
        if self.peek() == Item::Field {
            if operand == Operand::Constant {
                return Err("unexpected . after a constant".to_owned());
            }
            while self.peek() == Item::Field {
                self.next();
            }
        }
        Ok(Some(operand))
    }

    fn term(&mut self) -> Result<Option<Operand>, String> {
        let start = self.at;
        let operand = match self.next_non_space() {
            Item::Identifier(name) => {
                if !FUNCTIONS.contains(&name) {
                    return Err(format!("function \"{name}\" not defined"));
                }
                Operand::Executable
            }
            Item::Variable(name) => {
                if !self.variables.iter().any(|v| v == name) {
                    return Err(format!("undefined variable \"{name}\""));
                }
                Operand::Executable
            }
            Item::Field => Operand::Executable,
            Item::Dot | Item::Nil | Item::Bool | Item::Number | Item::Str => Operand::Constant,
            Item::LeftParen => {
                self.deeper()?;
                self.pipeline("parenthesized pipeline", Item::RightParen)?;
                self.depth -= 1;
                Operand::Executable
            }
            _ => {
                self.at = start;
                return Ok(None);
            }
        };
        Ok(Some(operand))
    }
}

fn unexpected(item: Item<'_>, context: &str) -> String {
    format!("unexpected {} in {context}", item.describe())
}

#[cfg(test)]
mod tests;
