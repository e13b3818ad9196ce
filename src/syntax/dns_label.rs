//! Names safe as DNS labels and file names: services, volumes, networks,
//! profiles, rule groups.

/// Why `name` is not a safe DNS label / file name, or `None` when it is.
pub fn check_dns_label(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".to_owned());
    }
    if name.len() > 63 {
        return Some(format!("it is {} characters long", name.len()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!("it contains {}", describe_char(bad)));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lowercase letter".to_owned());
    }
    if name.ends_with('-') {
        return Some("it ends with `-`".to_owned());
    }
    None
}

/// Whether `name` is a safe DNS label / file name.
pub fn is_safe_name(name: &str) -> bool {
    check_dns_label(name).is_none()
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '/' => "`/`".to_owned(),
        '.' => "`.`".to_owned(),
        c if c.is_ascii_uppercase() => format!("the uppercase letter `{c}`"),
        c if c.is_control() => format!("the control character U+{:04X}", u32::from(c)),
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(is_safe_name("app-1"));
        assert!(check_dns_label("../etc").is_some());
        assert!(check_dns_label("my app").is_some());
        assert!(check_dns_label("App").is_some());
        assert!(check_dns_label("1app").is_some());
        assert!(check_dns_label("app-").is_some());
        assert!(check_dns_label(&"a".repeat(64)).is_some());
    }
}
