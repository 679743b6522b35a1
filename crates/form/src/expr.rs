//! The condition language of form packs: parsing, checking against the pack, and evaluating
//! over answers.
//!
//! A condition compares a question's answer with a literal:
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" expr ")" | "true" | "false" | "answered(" id ")"
//!          | id ("==" | "!=") literal
//!          | id ("<" | "<=" | ">" | ">=") number
//!          | id "in" "[" string ("," string)* "]"
//!          | id "contains" string
//!          | "count(" expr ("," expr)* ")" ("==" | "!=" | "<" | "<=" | ">" | ">=") number
//! literal := string | number          string := '…' (single quotes, no escapes)
//! ```
//!
//! `count(…)` is how many of its conditions hold, compared with a whole number: a force that
//! scores DASH writes `count(q1 == 'yes', q2 == 'yes', …) >= 14`.
//!
//! A question that is unanswered, or hidden (behind a closed gate or a false `show_if`), has no
//! value: every comparison with it is false, `!=` included, and `answered(q)` is false. Nothing
//! that does not parse or does not fit its question is ever evaluated: it is a load error.

use std::fmt;

/// A parsed condition. `Q` is how it names questions: by id as written (`String`), or, once a
/// pack has checked it, by the question's index in the pack (`usize`), so evaluating it never
/// looks an id up.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr<Q = String> {
    /// `true` or `false`.
    Bool(bool),
    /// Every part holds.
    And(Vec<Expr<Q>>),
    /// Any part holds.
    Or(Vec<Expr<Q>>),
    /// The part does not hold.
    Not(Box<Expr<Q>>),
    /// The question has a (visible) answer.
    Answered(Q),
    /// A comparison of a question's answer with a literal.
    Compare {
        /// The question compared.
        question: Q,
        /// How.
        op: CompareOp,
        /// With what.
        literal: Literal,
    },
    /// The question's answer is one of these choices.
    In {
        /// The question.
        question: Q,
        /// The choices.
        values: Vec<String>,
    },
    /// A multiple-choice answer includes this choice.
    Contains {
        /// The question.
        question: Q,
        /// The choice.
        value: String,
    },
    /// How many of the parts hold, compared with a whole number.
    Count {
        /// The conditions counted.
        parts: Vec<Expr<Q>>,
        /// How the count is compared.
        op: CompareOp,
        /// With what.
        number: u32,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// Whether `left op right` holds.
    fn compare<T: PartialOrd>(self, left: T, right: T) -> bool {
        match self {
            CompareOp::Eq => left == right,
            CompareOp::Ne => left != right,
            CompareOp::Lt => left < right,
            CompareOp::Le => left <= right,
            CompareOp::Gt => left > right,
            CompareOp::Ge => left >= right,
        }
    }

    fn from_token(op: &str) -> CompareOp {
        match op {
            "==" => CompareOp::Eq,
            "!=" => CompareOp::Ne,
            "<" => CompareOp::Lt,
            "<=" => CompareOp::Le,
            ">" => CompareOp::Gt,
            _ => CompareOp::Ge,
        }
    }
}

/// A literal in a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `'text'`
    Text(String),
    /// `12` or `1.5`
    Number(f64),
}

/// Why a condition did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Character offset where the problem is.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.at, self.message)
    }
}

/// The value of a visible answer, as conditions see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A single choice, or yes/no/unknown.
    Choice(&'a str),
    /// The choices of a multiple-choice answer.
    Choices(&'a [String]),
    /// Text.
    Text(&'a str),
    /// A number.
    Number(f64),
}

impl Expr {
    /// Parses a condition.
    pub fn parse(source: &str) -> Result<Expr, SyntaxError> {
        let tokens = tokenize(source)?;
        let mut parser = Parser {
            tokens,
            next: 0,
            end: source.chars().count(),
            depth: 0,
        };
        let expr = parser.or()?;
        match parser.peek() {
            None => Ok(expr),
            Some((at, token)) => Err(SyntaxError {
                at,
                message: format!("unexpected {token} after a complete condition"),
            }),
        }
    }

    /// Evaluates the condition; `value_of` gives a question's visible answer, if any.
    pub fn eval<'a>(&self, value_of: &impl Fn(&str) -> Option<Value<'a>>) -> bool {
        self.eval_by(&|question: &String| value_of(question))
    }
}

impl<Q> Expr<Q> {
    /// Every question this condition reads.
    pub fn questions(&self) -> Vec<&Q> {
        let mut found = Vec::new();
        self.collect_questions(&mut found);
        found
    }

    fn collect_questions<'a>(&'a self, found: &mut Vec<&'a Q>) {
        match self {
            Expr::Bool(_) => {}
            Expr::And(parts) | Expr::Or(parts) | Expr::Count { parts, .. } => {
                parts.iter().for_each(|part| part.collect_questions(found))
            }
            Expr::Not(part) => part.collect_questions(found),
            Expr::Answered(question)
            | Expr::Compare { question, .. }
            | Expr::In { question, .. }
            | Expr::Contains { question, .. } => found.push(question),
        }
    }

    /// The same condition with each question named by `name(question)` instead; `None` if any
    /// question has no new name.
    pub fn map_questions<R>(&self, name: &impl Fn(&Q) -> Option<R>) -> Option<Expr<R>> {
        let parts = |parts: &[Expr<Q>]| {
            parts
                .iter()
                .map(|part| part.map_questions(name))
                .collect::<Option<Vec<_>>>()
        };
        Some(match self {
            Expr::Bool(value) => Expr::Bool(*value),
            Expr::And(all) => Expr::And(parts(all)?),
            Expr::Or(any) => Expr::Or(parts(any)?),
            Expr::Not(part) => Expr::Not(Box::new(part.map_questions(name)?)),
            Expr::Answered(question) => Expr::Answered(name(question)?),
            Expr::Compare {
                question,
                op,
                literal,
            } => Expr::Compare {
                question: name(question)?,
                op: *op,
                literal: literal.clone(),
            },
            Expr::In { question, values } => Expr::In {
                question: name(question)?,
                values: values.clone(),
            },
            Expr::Contains { question, value } => Expr::Contains {
                question: name(question)?,
                value: value.clone(),
            },
            Expr::Count {
                parts: counted,
                op,
                number,
            } => Expr::Count {
                parts: parts(counted)?,
                op: *op,
                number: *number,
            },
        })
    }

    /// Evaluates the condition; `value_of` gives a question's visible answer, if any.
    pub fn eval_by<'a>(&self, value_of: &impl Fn(&Q) -> Option<Value<'a>>) -> bool {
        match self {
            Expr::Bool(value) => *value,
            Expr::And(parts) => parts.iter().all(|part| part.eval_by(value_of)),
            Expr::Or(parts) => parts.iter().any(|part| part.eval_by(value_of)),
            Expr::Not(part) => !part.eval_by(value_of),
            Expr::Answered(question) => value_of(question).is_some(),
            Expr::Compare {
                question,
                op,
                literal,
            } => match (value_of(question), literal) {
                (Some(Value::Choice(answer) | Value::Text(answer)), Literal::Text(text)) => {
                    match op {
                        CompareOp::Eq => answer == text,
                        CompareOp::Ne => answer != text,
                        _ => false,
                    }
                }
                (Some(Value::Number(answer)), Literal::Number(number)) => {
                    op.compare(answer, *number)
                }
                _ => false,
            },
            Expr::In { question, values } => match value_of(question) {
                Some(Value::Choice(answer)) => values.iter().any(|value| value == answer),
                _ => false,
            },
            Expr::Contains { question, value } => match value_of(question) {
                Some(Value::Choices(answers)) => answers.iter().any(|answer| answer == value),
                _ => false,
            },
            Expr::Count { parts, op, number } => {
                let held = parts.iter().filter(|part| part.eval_by(value_of)).count();
                let held = u32::try_from(held).unwrap_or(u32::MAX);
                op.compare(held, *number)
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Text(String),
    Number(f64),
    Op(&'static str),
    Open,
    Close,
    OpenList,
    CloseList,
    Comma,
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(name) => write!(f, "{name:?}"),
            Token::Text(text) => write!(f, "'{text}'"),
            Token::Number(number) => write!(f, "{number}"),
            Token::Op(op) => write!(f, "{op:?}"),
            Token::Open => f.write_str("\"(\""),
            Token::Close => f.write_str("\")\""),
            Token::OpenList => f.write_str("\"[\""),
            Token::CloseList => f.write_str("\"]\""),
            Token::Comma => f.write_str("\",\""),
        }
    }
}

fn tokenize(source: &str) -> Result<Vec<(usize, Token)>, SyntaxError> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let start = at;
        let c = chars[at];
        let token = match c {
            c if c.is_whitespace() => {
                at += 1;
                continue;
            }
            '(' => Token::Open,
            ')' => Token::Close,
            '[' => Token::OpenList,
            ']' => Token::CloseList,
            ',' => Token::Comma,
            '\'' => {
                let close = chars[at + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .ok_or(SyntaxError {
                        at,
                        message: "a text that is never closed with '".into(),
                    })?;
                let text: String = chars[at + 1..at + 1 + close].iter().collect();
                at += close + 2;
                tokens.push((start, Token::Text(text)));
                continue;
            }
            '=' | '!' | '<' | '>' => {
                let two: String = chars[at..(at + 2).min(chars.len())].iter().collect();
                let op = match two.as_str() {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    _ if c == '<' => "<",
                    _ if c == '>' => ">",
                    _ => {
                        return Err(SyntaxError {
                            at,
                            message: format!("{c:?} is not an operator here; use == or !="),
                        })
                    }
                };
                at += op.len();
                tokens.push((start, Token::Op(op)));
                continue;
            }
            c if c.is_ascii_digit() || c == '-' => {
                let length = chars[at + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || **c == '.')
                    .count()
                    + 1;
                let text: String = chars[at..at + length].iter().collect();
                let number = text.parse::<f64>().map_err(|_| SyntaxError {
                    at,
                    message: format!("{text:?} is not a number"),
                })?;
                at += length;
                tokens.push((start, Token::Number(number)));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let length = chars[at..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '_')
                    .count();
                let word: String = chars[at..at + length].iter().collect();
                at += length;
                tokens.push((start, Token::Ident(word)));
                continue;
            }
            other => {
                return Err(SyntaxError {
                    at,
                    message: format!("{other:?} cannot appear in a condition"),
                })
            }
        };
        at += 1;
        tokens.push((start, token));
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
    /// How deep in `not`, `(` and `count(` the parser is: bounded, so a hostile condition
    /// cannot exhaust the stack.
    depth: usize,
}

/// The deepest a condition may nest `not`, brackets and `count(`.
const MAX_DEPTH: usize = 32;

impl Parser {
    fn peek(&self) -> Option<(usize, &Token)> {
        self.tokens.get(self.next).map(|(at, token)| (*at, token))
    }

    fn take(&mut self, what: &str) -> Result<(usize, Token), SyntaxError> {
        let taken = self.tokens.get(self.next).cloned().ok_or(SyntaxError {
            at: self.end,
            message: format!("the condition ends where {what} was expected"),
        })?;
        self.next += 1;
        Ok(taken)
    }

    fn is_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some((_, Token::Ident(name))) if name == word)
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.and()?];
        while self.is_word("or") {
            self.next += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut parts = vec![self.unary()?];
        while self.is_word("and") {
            self.next += 1;
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                at: self.peek().map(|(at, _)| at).unwrap_or(self.end),
                message: format!("the condition nests deeper than {MAX_DEPTH} levels"),
            });
        }
        let parsed = if self.is_word("not") {
            self.next += 1;
            self.unary().map(|inner| Expr::Not(Box::new(inner)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        parsed
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let (at, token) = self.take("a condition")?;
        match token {
            Token::Open => {
                let inner = self.or()?;
                self.expect(Token::Close, "\")\"")?;
                Ok(inner)
            }
            Token::Ident(word) if word == "true" => Ok(Expr::Bool(true)),
            Token::Ident(word) if word == "false" => Ok(Expr::Bool(false)),
            Token::Ident(word) if word == "answered" => {
                self.expect(Token::Open, "\"(\" after answered")?;
                let question = self.question()?;
                self.expect(Token::Close, "\")\"")?;
                Ok(Expr::Answered(question))
            }
            Token::Ident(word)
                if word == "count" && matches!(self.peek(), Some((_, Token::Open))) =>
            {
                self.count()
            }
            Token::Ident(word)
                if ["and", "or", "not", "in", "contains"].contains(&word.as_str()) =>
            {
                Err(SyntaxError {
                    at,
                    message: format!("{word:?} needs a condition before it"),
                })
            }
            Token::Ident(question) => self.comparison(question),
            other => Err(SyntaxError {
                at,
                message: format!(
                    "expected a question id, answered(…), true, false or \"(\", found {other}"
                ),
            }),
        }
    }

    fn comparison(&mut self, question: String) -> Result<Expr, SyntaxError> {
        let (at, token) = self.take("an operator after the question id")?;
        match token {
            Token::Op(op) => {
                let op = CompareOp::from_token(op);
                let (at, value) = self.take("a value to compare with")?;
                let literal = match value {
                    Token::Text(text) => Literal::Text(text),
                    Token::Number(number) => Literal::Number(number),
                    other => {
                        return Err(SyntaxError {
                            at,
                            message: format!("expected a 'text' or a number, found {other}"),
                        })
                    }
                };
                if matches!(literal, Literal::Text(_)) && !matches!(op, CompareOp::Eq | CompareOp::Ne) {
                    return Err(SyntaxError { at, message: "only numbers can be ordered with < or >".into() });
                }
                Ok(Expr::Compare { question, op, literal })
            }
            Token::Ident(word) if word == "in" => {
                self.expect(Token::OpenList, "\"[\" after in")?;
                let mut values = vec![self.text()?];
                while matches!(self.peek(), Some((_, Token::Comma))) {
                    self.next += 1;
                    values.push(self.text()?);
                }
                self.expect(Token::CloseList, "\"]\"")?;
                Ok(Expr::In { question, values })
            }
            Token::Ident(word) if word == "contains" => Ok(Expr::Contains { question, value: self.text()? }),
            other => Err(SyntaxError {
                at,
                message: format!("expected ==, !=, <, <=, >, >=, in or contains after {question:?}, found {other}"),
            }),
        }
    }

    /// `count(` expr (`,` expr)* `)` op number, after the word `count`.
    fn count(&mut self) -> Result<Expr, SyntaxError> {
        self.expect(Token::Open, "\"(\" after count")?;
        let mut parts = vec![self.or()?];
        while matches!(self.peek(), Some((_, Token::Comma))) {
            self.next += 1;
            parts.push(self.or()?);
        }
        self.expect(Token::Close, "\")\" or \",\"")?;
        let op = match self.take("an operator after count(…)")? {
            (_, Token::Op(op)) => CompareOp::from_token(op),
            (at, other) => {
                return Err(SyntaxError {
                    at,
                    message: format!(
                        "expected ==, !=, <, <=, > or >= after count(…), found {other}"
                    ),
                })
            }
        };
        let number = match self.take("a whole number to compare the count with")? {
            (_, Token::Number(number))
                if number >= 0.0 && number.fract() == 0.0 && number <= f64::from(u32::MAX) =>
            {
                // In range and whole, checked just above.
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let whole = number as u32;
                whole
            }
            (at, other) => {
                return Err(SyntaxError {
                    at,
                    message: format!(
                        "a count is compared with a whole number of 0 or more, found {other}"
                    ),
                })
            }
        };
        Ok(Expr::Count { parts, op, number })
    }

    fn question(&mut self) -> Result<String, SyntaxError> {
        match self.take("a question id")? {
            (_, Token::Ident(question)) => Ok(question),
            (at, other) => Err(SyntaxError {
                at,
                message: format!("expected a question id, found {other}"),
            }),
        }
    }

    fn text(&mut self) -> Result<String, SyntaxError> {
        match self.take("a 'text'")? {
            (_, Token::Text(text)) => Ok(text),
            (at, other) => Err(SyntaxError {
                at,
                message: format!("expected a 'text', found {other}"),
            }),
        }
    }

    fn expect(&mut self, wanted: Token, what: &str) -> Result<(), SyntaxError> {
        match self.take(what)? {
            (_, token) if token == wanted => Ok(()),
            (at, other) => Err(SyntaxError {
                at,
                message: format!("expected {what}, found {other}"),
            }),
        }
    }
}
