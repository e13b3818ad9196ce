//! The directive structure of nginx.conf, read with a tokenizer after
//! nginx's own: free text must never change it.

use stackgen::Output;

use super::fields::Fields;
use super::run::guarded;

/// nginx.conf has the directive structure of the plain base stack (free
/// text never reaches it as syntax); returns its directives, flattened.
pub(super) fn check_nginx_shape(rendered: &Output) -> Vec<(String, Vec<String>)> {
    let conf = String::from_utf8_lossy(&rendered.bundle.files["nginx/nginx.conf"]).into_owned();
    let tokens = nginx_tokens(&conf);
    let shape: Vec<String> = nginx_shape(&tokens);
    let base = base_nginx_shape();
    assert_eq!(&shape, base, "nginx.conf changed structure");
    let mut directives = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for token in tokens {
        match token {
            NginxToken::Word(word) => current.push(word),
            NginxToken::Semicolon | NginxToken::Open => {
                if !current.is_empty() {
                    let name = current.remove(0);
                    directives.push((name, std::mem::take(&mut current)));
                }
            }
            NginxToken::Close => {}
        }
    }
    directives
}

/// The structure of nginx.conf for the stack with plain text everywhere.
fn base_nginx_shape() -> &'static Vec<String> {
    static BASE: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let rendered = guarded(&Fields::uniform("plain").stack()).expect("the base stack renders");
        let conf = String::from_utf8_lossy(&rendered.bundle.files["nginx/nginx.conf"]).into_owned();
        nginx_shape(&nginx_tokens(&conf))
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum NginxToken {
    Word(String),
    Semicolon,
    Open,
    Close,
}

/// Directive names with their nesting (`{`, `}`, `;`), arguments left out.
fn nginx_shape(tokens: &[NginxToken]) -> Vec<String> {
    let mut shape = Vec::new();
    let mut at_name = true;
    for token in tokens {
        match token {
            NginxToken::Word(word) if at_name => {
                shape.push(word.clone());
                at_name = false;
            }
            NginxToken::Word(_) => {}
            NginxToken::Semicolon => {
                shape.push(";".to_owned());
                at_name = true;
            }
            NginxToken::Open => {
                shape.push("{".to_owned());
                at_name = true;
            }
            NginxToken::Close => {
                shape.push("}".to_owned());
                at_name = true;
            }
        }
    }
    shape
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
