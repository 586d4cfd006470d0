r"""Chinese questions about the book, each with its English twin and the sections that answer it.

The book's own labelled queries are its interview questions, all in English. Its readers mostly
ask in Chinese, often with an English name in the middle ("Adam 的偏差修正是做什么的？"), as
interviews in Chinese do. Each entry here is one question written twice, in Chinese and in
English, with the labels of the sections that answer it: the same relevant set $\mathcal R_q$ for both
languages, so the two columns of an evaluation differ only by the language of the question. The
targets are MyST labels, which are unique in the book and do not change when a heading is
reworded or a section moves to another chapter; :func:`twin_queries` refuses a label the book no
longer has.

See chapter: chapters/rag.md
"""

from __future__ import annotations

from dataclasses import dataclass

from mlnotes.rag.tfidf import CJK_RUN


@dataclass(frozen=True)
class TwinQuestion:
    """One question in Chinese and in English, and the labels of the sections that answer it.

    See chapter: chapters/rag.md
    """

    zh: str
    en: str
    relevant: tuple  # MyST labels of the answering sections, e.g. "sec-att-scaling"


def _q(zh: str, en: str, *relevant: str) -> TwinQuestion:
    return TwinQuestion(zh, en, tuple(relevant))


QUESTIONS = (
    _q("中心极限定理说的是什么？", "What does the central limit theorem say?", "sec-math-lln-clt"),
    _q("牛顿法为什么收敛得快？", "Why does Newton's method converge fast?", "sec-math-newton"),
    _q("最大似然估计和最大后验估计有什么区别？", "Maximum likelihood vs maximum a posteriori: what is the difference?",
       "sec-math-mle"),
    _q("为什么不能把权重全部初始化为零？", "Why not initialize all the weights to zero?", "sec-init-symmetry"),
    _q("ReLU 为什么能缓解梯度消失？", "Why does ReLU ease vanishing gradients?", "sec-init-relu"),
    _q("初始化的方差为什么要按输入维度缩放？", "Why scale the initial variance by the number of inputs?",
       "sec-init-math"),
    _q("KL 散度为什么不对称？", "Why is the KL divergence not symmetric?", "sec-loss-kl"),
    _q("交叉熵和最大似然是什么关系？", "How is cross-entropy related to maximum likelihood?", "sec-loss-ce-mle"),
    _q("sigmoid 输出为什么不用均方误差损失？", "Why not use the squared error loss after a sigmoid?",
       "sec-loss-mse", "sec-linear-mse"),
    _q("softmax 怎么避免数值溢出？", "How does softmax avoid numerical overflow?", "sec-loss-stable"),
    _q("Adam 的偏差修正是做什么的？", "What does Adam's bias correction do?", "sec-optim-bias"),
    _q("学习率预热有什么用？", "What is learning-rate warmup for?", "sec-optim-schedule",
       "sec-transformer-preln"),
    _q("梯度裁剪怎么防止梯度爆炸？", "How does gradient clipping stop exploding gradients?",
       "sec-optim-clipping"),
    _q("为什么 L1 正则化能得到稀疏解？", "Why does L1 regularization give sparse solutions?", "sec-reg-l1-l2"),
    _q("Dropout 在训练和测试时有什么不同？", "How does dropout differ between training and testing?",
       "sec-reg-dropout"),
    _q("怎么防止神经网络过拟合？", "How do you keep a neural network from overfitting?", "sec-reg-training"),
    _q("批归一化在训练和推理时有什么区别？", "How does batch normalization differ between training and inference?",
       "sec-norm-bn"),
    _q("为什么 Transformer 用层归一化而不用批归一化？",
       "Why do Transformers use layer normalization rather than batch normalization?", "sec-norm-transformers"),
    _q("特征缩放为什么能加快梯度下降？", "Why does feature scaling speed up gradient descent?",
       "sec-norm-scaling-gd"),
    _q("为什么不直接求正规方程里矩阵的逆？", "Why not invert the matrix of the normal equations directly?",
       "sec-linear-conditioning"),
    _q("朴素贝叶斯是生成模型还是判别模型？", "Is naive Bayes a generative or a discriminative model?",
       "sec-linear-nb"),
    _q("支持向量机的核技巧是什么？", "What is the kernel trick of support vector machines?", "sec-svm-kernels"),
    _q("SVM 的软间隔参数 C 控制什么？", "What does the soft-margin parameter C of an SVM control?", "sec-svm-c"),
    _q("信息增益和基尼指数有什么区别？", "Information gain vs the Gini index: what is the difference?",
       "sec-trees-impurity"),
    _q("决策树怎么剪枝？", "How is a decision tree pruned?", "sec-trees-pruning", "sec-trees-c45-pruning"),
    _q("随机森林为什么能降低方差？", "Why does a random forest reduce variance?", "sec-trees-bagging",
       "sec-trees-bias-variance"),
    _q("XGBoost 和梯度提升树有什么不同？", "How does XGBoost differ from gradient boosted trees?", "sec-trees-xgb"),
    _q("k 均值聚类怎么选择 k？", "How do you choose k in k-means clustering?", "sec-unsup-choose-k"),
    _q("主成分分析怎么用奇异值分解来算？", "How is principal component analysis computed with the SVD?",
       "sec-unsup-pca"),
    _q("AUC 表示什么？", "What does the AUC measure?", "sec-metrics-roc"),
    _q("类别不平衡时准确率有什么问题？", "What goes wrong with accuracy when the classes are imbalanced?",
       "sec-metrics-imbalance"),
    _q("精确率和召回率怎么权衡？", "How do you trade precision against recall?", "sec-metrics-threshold"),
    _q("卷积层的输出尺寸怎么算？", "How do you compute the output size of a convolution layer?",
       "sec-cnn-arithmetic"),
    _q("残差连接解决了什么问题？", "What problem do residual connections solve?", "sec-cnn-residual"),
    _q("非极大值抑制是怎么工作的？", "How does non-maximum suppression work?", "sec-cnn-nms"),
    _q("LSTM 的门为什么能缓解梯度消失？", "Why do the gates of an LSTM ease vanishing gradients?", "sec-rnn-gates"),
    _q("什么是教师强制？", "What is teacher forcing?", "sec-rnn-seq2seq"),
    _q("注意力分数为什么要除以根号 d_k？", "Why divide the attention scores by the square root of d_k?",
       "sec-att-scaling"),
    _q("多头注意力有什么好处？", "What does multi-head attention gain?", "sec-att-mha"),
    _q("为什么需要位置编码？", "Why is a positional encoding needed?", "sec-att-pe"),
    _q("Pre-LN 和 Post-LN 有什么区别？", "Pre-LN vs post-LN: what is the difference?", "sec-transformer-preln"),
    _q("Transformer 的参数量怎么计算？", "How do you count the parameters of a Transformer?",
       "sec-transformer-count"),
    _q("KV 缓存为什么能加速生成？", "Why does the KV cache speed up generation?", "sec-llm-kvcache"),
    _q("LoRA 微调的原理是什么？", "How does LoRA fine-tuning work?", "sec-llm-lora"),
    _q("核采样和 top-k 采样有什么不同？", "How does nucleus sampling differ from top-k sampling?", "sec-llm-decoding"),
    _q("BPE 分词是怎么工作的？", "How does BPE tokenization work?", "sec-llm-tokens"),
    _q("生成对抗网络为什么会模式崩溃？", "Why do generative adversarial networks suffer mode collapse?",
       "sec-gen-collapse"),
    _q("扩散模型是怎么生成样本的？", "How does a diffusion model generate samples?", "sec-gen-diffusion"),
    _q("BM25 里的 k1 和 b 控制什么？", "What do k1 and b control in BM25?", "sec-rag-bm25"),
    _q("什么是倒排索引？", "What is an inverted index?", "sec-rag-inverted"),
    _q("混合检索为什么用倒数排序融合？", "Why does hybrid retrieval use reciprocal rank fusion?", "sec-rag-hybrid"),
    _q("view 和 reshape 有什么区别？", "What is the difference between view and reshape?",
       "sec-practice-view"),
)


def has_latin(text: str) -> bool:
    """True if the text holds a Latin letter outside its CJK runs (an English name inside a Chinese question).

    See chapter: chapters/rag.md
    """
    return any("a" <= ch.lower() <= "z" for ch in CJK_RUN.sub("", text))


def twin_queries(book, questions=QUESTIONS) -> tuple:
    """The questions as two lists of labelled queries over ``book``: -> (Chinese queries, English queries).

    Both lists have one :class:`~mlnotes.rag.corpus.Query` per question, with the same relevant
    section keys (``chapter#anchor``, found from the labels). Raises ``ValueError`` naming every
    label the book does not have (renamed or removed). See chapter: chapters/rag.md
    """
    from mlnotes.rag.corpus import Query

    missing = sorted({label for q in questions for label in q.relevant if label not in book.labels})
    if missing:
        raise ValueError(f"questions must target labelled sections of the book; not found: {', '.join(missing)}")
    zh, en = [], []
    for q in questions:
        keys = [book.sections[book.labels[label]].key for label in q.relevant]
        chapter = keys[0].split("#")[0]
        zh.append(Query(q.zh, chapter, frozenset(keys)))
        en.append(Query(q.en, chapter, frozenset(keys)))
    return zh, en
