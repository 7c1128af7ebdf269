//! Printing nested labels as a tree with box-drawing connectors, for text output.

/// A label and the labels nested under it.
#[derive(Debug, Default)]
pub struct Item {
    pub label: String,
    pub children: Vec<Item>,
}

impl Item {
    pub fn new(label: impl Into<String>) -> Self {
        Item {
            label: label.into(),
            children: Vec::new(),
        }
    }

    pub fn child(&mut self, item: Item) -> &mut Self {
        self.children.push(item);
        self
    }

    pub fn leaf(&mut self, label: impl Into<String>) -> &mut Self {
        self.child(Item::new(label))
    }

    /// The item and everything under it, one line each.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.label);
        out.push('\n');
        render_children(&self.children, "", &mut out);
        out
    }
}

fn render_children(children: &[Item], prefix: &str, out: &mut String) {
    for (i, item) in children.iter().enumerate() {
        let last = i + 1 == children.len();
        out.push_str(prefix);
        out.push_str(if last { "└─ " } else { "├─ " });
        out.push_str(&item.label);
        out.push('\n');
        let deeper = format!("{prefix}{}", if last { "   " } else { "│  " });
        render_children(&item.children, &deeper, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_connectors() {
        let mut root = Item::new("root");
        let mut a = Item::new("a");
        a.leaf("a1").leaf("a2");
        root.child(a).leaf("b");
        assert_eq!(root.render(), "root\n├─ a\n│  ├─ a1\n│  └─ a2\n└─ b\n");
    }
}
