import { words as naturalEnglishStopWords } from 'natural/lib/natural/util/stopwords.js';

/** natural's English list, plus greetings and fillers common in support messages. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  ...naturalEnglishStopWords,
  'hi', 'hello', 'hey', 'dear', 'pls', 'please', 'thank', 'thanks', 'thx', 'regards', 'team', 'support', 'sir',
  'madam', 'ok', 'okay', 'just', 'will', 'i\'m', 'i\'ve', 'it\'s', 'don\'t', 'im', 'ive', 'can\'t',
]);

/** Chinese function words and support fillers, as jieba returns them. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '地', '得', '和', '跟', '与', '及', '并', '等', '我', '你', '您', '他', '她', '它', '们', '我们', '你们', '这',
  '那', '这个', '那个', '是', '了', '着', '过', '吗', '呢', '吧', '啊', '呀', '嘛', '哦', '哈', '在', '就', '也', '都',
  '还', '又', '很', '把', '被', '给', '让', '对', '于', '为', '之', '或', '而', '所以', '因为', '但是', '可是', '如果',
  '请', '请问', '您好', '你好', '谢谢', '感谢', '麻烦', '一下', '一个', '有', '要', '想', '我的', '你的', '您的',
  '自己', '什么', '怎么', '怎样', '如何', '为什么', '哪', '哪里', '哪个', '吗？', '个', '上', '下', '中', '里', '到',
  '从', '会', '能', '可以', '可', '应该', '需要', '现在', '已经', '还是', '没', '没有', '不', '怎么办', '的话',
  '这样', '那么', '还没', '是不是', '能不能', '可不可以', '有没有', '一些', '时候', '知道', '告诉', '帮', '帮忙', '吗？',
]);
