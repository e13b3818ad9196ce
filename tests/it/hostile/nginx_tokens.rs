//! nginx.conf read as nginx reads it: its tokens.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NginxToken {
    Word(String),
    Semicolon,
    Open,
    Close,
}

/// A tokenizer after nginx's `ngx_conf_read_token`: quotes open a token only
/// at its start, `#` starts a comment only between tokens.
pub(super) fn nginx_tokens(text: &str) -> Vec<NginxToken> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => while chars.next_if(|c| *c != '\n').is_some() {},
            ';' | '{' | '}' => {
                chars.next();
                tokens.push(match c {
                    ';' => NginxToken::Semicolon,
                    '{' => NginxToken::Open,
                    _ => NginxToken::Close,
                });
            }
            '"' | '\'' => {
                chars.next();
                let mut word = String::new();
                while let Some(ch) = chars.next() {
                    match ch {
                        '\\' => word.extend(chars.next()),
                        ch if ch == c => break,
                        other => word.push(other),
                    }
                }
                tokens.push(NginxToken::Word(word));
            }
            _ => {
                let mut word = String::new();
                while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !";{}".contains(*c)) {
                    word.push(c);
                }
                tokens.push(NginxToken::Word(word));
            }
        }
    }
    tokens
}
