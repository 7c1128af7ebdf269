//! A line of text typed in the viewer (the search query, a why field, a review comment, a
//! placeholder's value): what one key press does to it, in one place.

/// Types `typed` into `text`, or with `None` deletes its last character. Control
/// characters are never typed. Says whether the text changed.
pub fn edit(text: &mut String, typed: Option<char>) -> bool {
    match typed {
        Some(c) if !c.is_control() => {
            text.push(c);
            true
        }
        Some(_) => false,
        None => text.pop().is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::edit;

    #[test]
    fn types_deletes_and_refuses_control_characters() {
        let mut text = String::new();
        assert!(edit(&mut text, Some('a')));
        assert!(!edit(&mut text, Some('\u{1b}')));
        assert_eq!(text, "a");
        assert!(edit(&mut text, None));
        assert!(!edit(&mut text, None));
        assert_eq!(text, "");
    }
}
