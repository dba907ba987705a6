//! 测验的中文文本。

use crate::conversation::Side;
use crate::i18n::{QuizLine, QuizText};

/// A fixed text.
pub fn text(t: QuizText) -> &'static str {
    match t {
        QuizText::Title => "测验",
        QuizText::Score => "得分",
        QuizText::Predict => "预测它之后双方的状态，再按 Enter：",
        QuizText::PredictSegment => "预测它之后双方的状态、它的标志位和确认号，再按 Enter：",
        QuizText::ClientAfter => "客户端",
        QuizText::ServerAfter => "服务器",
        QuizText::Flags => "标志位",
        QuizText::Ack => "确认号",
        QuizText::AckHint => "（输入数字；留空 = 没有 ACK 标志）",
        QuizText::Hints => "Tab/↑↓ 切换  ←→ 选择  0-9 确认号  Enter 作答  Esc 跳过",
        QuizText::Answer => "[ 作答 ]",
        QuizText::Waiting => "已记下预测：正在执行调用……",
        QuizText::AllRight => "✓ 全部正确",
        QuizText::Wrong => "✗ 有错",
        QuizText::YouSaid => "你的答案",
        QuizText::ModelSays => "模型推断",
        QuizText::Why => "原因：",
        QuizText::SummaryTitle => "测验总结",
        QuizText::Missed => "答错的：",
        QuizText::NoneMissed => "全部答对。",
        QuizText::SummaryHints => "Esc 关闭  ← 回看某一步  z 关闭测验",
        QuizText::PressNext => "→ 预测下一步",
        QuizText::NoAck => "无",
        QuizText::Step => "步骤",
        QuizText::FooterOn => "测验中",
    }
}

fn who(s: Side) -> &'static str {
    match s {
        Side::Client => "客户端",
        Side::Server => "服务器",
    }
}

/// A sentence with numbers.
pub fn line(l: &QuizLine) -> String {
    match l {
        QuizLine::NextFrom { step, total, side } => {
            format!("步骤 {step}/{total}：{}发送下一个报文段。", who(*side))
        }
        QuizLine::NextCall { side, call } => {
            format!(
                "下一个调用（{}）：{call}  —— 它发出的第一个报文段？",
                who(*side)
            )
        }
        QuizLine::Tally { right, total } => format!("{total} 步中答对 {right} 步"),
    }
}
