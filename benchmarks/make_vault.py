"""Generate a synthetic Markdown notes vault shaped like a real one, for benchmarks.

The reference is a real developer's vault of about 240 files, 2.8 MB of Markdown and 3,600
sections: many topic files of a few KB to a few tens of KB, some tiny stubs, and a few large
monthly-archive files of 60-100 KB. Every file has YAML frontmatter (``title``, ``categories``,
``tags``); headings at levels 1-4 in the forms real study notes use (``中文 / English``,
``中文（English）``, alias lists, plain English, generic ``Introduction`` under different
parents, and a few duplicated heading paths); bodies with mixed English/Chinese prose, lists,
fenced code (C and Python most, then bash, Java, SQL, CUDA, Rust, Go, assembly), GFM tables,
math, links, images, ``Term^`` cross-references and HTML comments. ``--image-heavy`` makes the
shape of a screenshot-heavy Obsidian vault instead: 800 files and 240 MB of images.

Output is deterministic for a given ``files`` and ``seed``, and scales linearly with ``files``.
Every image the notes reference exists in the vault's ``img/`` folder, and every ``Term^``
reference points at a section that exists.

Usage::

    python benchmarks/make_vault.py /tmp/vault --files 240 [--seed 0] [--scale 10]
    python benchmarks/make_vault.py /tmp/photos --image-heavy   # 800 files, 240 MB of images
"""

from __future__ import annotations

import argparse
import json
import os
import random
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["IMAGE_HEAVY", "VaultStats", "make_vault", "photo_png", "png_bytes"]


@dataclass(frozen=True)
class VaultStats:
    """What :func:`make_vault` wrote."""

    files: int
    """Number of Markdown files (images not counted)."""
    sections: int
    """Number of headings written; each starts a section."""
    bytes: int
    """Total size of the Markdown files in bytes (UTF-8)."""


# --------------------------------------------------------------------------------------------
# PNG writing (standard library only)


def png_bytes(width: int, height: int, pixel: Callable[[int, int], tuple[int, ...]]) -> bytes:
    """Encode an 8-bit PNG whose colour at (x, y) is ``pixel(x, y)``: RGB, or RGBA when the
    pixels have four values."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            rows.extend(pixel(x, y))
    colour_type = 6 if len(pixel(0, 0)) == 4 else 2
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def _pattern(index: int) -> Callable[[int, int], tuple[int, int, int]]:
    """A distinct simple pattern per index, so that every image has different bytes."""
    base = ((37 * index) % 200 + 40, (91 * index) % 200 + 40, (53 * index) % 200 + 40)
    step = 4 + index % 5

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if (x // step + y // step + index) % 2:
            return base
        return (255 - base[0], 255 - base[1], 255 - base[2])

    return pixel


# --------------------------------------------------------------------------------------------
# Vocabulary

Term = tuple[str, str]
"""(Chinese name, English name)."""

DOMAINS: dict[str, tuple[Term, ...]] = {
    "systems": (
        ("页表", "Page table"),
        ("快表", "TLB"),
        ("虚拟内存", "Virtual memory"),
        ("进程", "Process"),
        ("线程", "Thread"),
        ("互斥锁", "Mutex"),
        ("信号量", "Semaphore"),
        ("死锁", "Deadlock"),
        ("调度器", "Scheduler"),
        ("系统调用", "System call"),
        ("中断", "Interrupt"),
        ("上下文切换", "Context switch"),
        ("文件系统", "File system"),
        ("写时复制", "Copy-on-write"),
        ("缓存一致性", "Cache coherence"),
        ("内存屏障", "Memory barrier"),
        ("原子操作", "Atomic operation"),
        ("分支预测", "Branch prediction"),
        ("虚拟机", "Virtual machine"),
        ("容器", "Container"),
        ("命名空间", "Namespace"),
        ("超标量", "Superscalar"),
    ),
    "networking": (
        ("拥塞控制", "Congestion control"),
        ("路由", "Routing"),
        ("子网掩码", "Subnet mask"),
        ("域名系统", "DNS"),
        ("负载均衡", "Load balancing"),
        ("套接字", "Socket"),
        ("握手", "Handshake"),
        ("证书", "Certificate"),
        ("对称加密", "Symmetric encryption"),
        ("滑动窗口", "Sliding window"),
        ("发送缓冲区", "Send buffer"),
        ("长连接", "Keep-alive"),
        ("网络地址转换", "NAT"),
        ("多路复用", "Multiplexing"),
    ),
    "algorithms": (
        ("哈希表", "Hash table"),
        ("红黑树", "Red-black tree"),
        ("堆", "Heap"),
        ("栈", "Stack"),
        ("链表", "Linked list"),
        ("动态规划", "Dynamic programming"),
        ("贪心算法", "Greedy algorithm"),
        ("二分查找", "Binary search"),
        ("图遍历", "Graph traversal"),
        ("最短路径", "Shortest path"),
        ("并查集", "Union-find"),
        ("快速排序", "Quicksort"),
        ("布隆过滤器", "Bloom filter"),
    ),
    "ml": (
        ("梯度下降法", "Gradient descent"),
        ("反向传播", "Backpropagation"),
        ("正则化", "Regularization"),
        ("过拟合", "Overfitting"),
        ("卷积神经网络", "Convolutional neural network"),
        ("注意力机制", "Attention mechanism"),
        ("批归一化", "Batch normalization"),
        ("损失函数", "Loss function"),
        ("交叉熵", "Cross-entropy"),
        ("学习率衰减", "Learning rate decay"),
        ("优化算法", "Optimization algorithms"),
        ("偏差与方差", "Bias and variance"),
    ),
    "math": (
        ("特征值", "Eigenvalue"),
        ("矩阵分解", "Matrix factorization"),
        ("概率分布", "Probability distribution"),
        ("贝叶斯定理", "Bayes theorem"),
        ("条件概率", "Conditional probability"),
        ("期望", "Expectation"),
        ("线性变换", "Linear transformation"),
        ("奇异值分解", "Singular value decomposition"),
    ),
    "languages": (
        ("所有权", "Ownership"),
        ("借用检查", "Borrow checker"),
        ("生命周期", "Lifetime"),
        ("闭包", "Closure"),
        ("迭代器", "Iterator"),
        ("泛型", "Generics"),
        ("协程", "Coroutine"),
        ("垃圾回收", "Garbage collection"),
        ("编译器", "Compiler"),
        ("链接器", "Linker"),
        ("异常处理", "Exception handling"),
        ("类型推导", "Type inference"),
    ),
    "tools": (
        ("正则表达式", "Regular expression"),
        ("版本控制", "Version control"),
        ("变基", "Rebase"),
        ("持续集成", "Continuous integration"),
        ("文本对象", "Text objects"),
        ("寄存器", "Registers"),
        ("自动命令", "Autocommands"),
        ("终端复用", "Terminal multiplexer"),
    ),
    "databases": (
        ("数据库索引", "Database index"),
        ("事务", "Transaction"),
        ("隔离级别", "Isolation level"),
        ("一致性哈希", "Consistent hashing"),
        ("共识算法", "Consensus algorithm"),
        ("消息队列", "Message queue"),
        ("预写日志", "Write-ahead log"),
    ),
}

DOMAIN_NAMES = tuple(DOMAINS)

ALIASES: tuple[tuple[str, ...], ...] = (
    ("BufEnter", "BufWinEnter"),
    ("`FLAGS`", "`EFLAGS`", "`RFLAGS`"),
    ("`malloc`", "`free`"),
    ("`fork`", "`vfork`", "`clone`"),
    ("TCP_NODELAY", "TCP_CORK"),
    ("SIGTERM", "SIGKILL"),
    ("`select`", "`poll`", "`epoll`"),
    ("`mmap`", "`munmap`"),
    ("git merge", "git rebase"),
    ("Mutex", "RwLock"),
    ("`Box`", "`Rc`", "`Arc`"),
    ("32 Cores", "1 Node"),
    ("进程", "线程", "协程"),
    ("L1", "L2", "L3 cache"),
    ("Inclusione", "Esclusione"),
)

GENERIC_HEADINGS = (
    "Introduction",
    "Overview",
    "Examples",
    "Summary",
    "Pitfalls",
    "Notes",
    "小结",
    "例子",
)

EN_ASPECTS = (
    "How {t} works",
    "{t} in practice",
    "Why {t} matters",
    "{t} vs. {u}",
    "Common pitfalls with {t}",
    "{t} internals",
    "Debugging {t}",
    "When to use {t}",
    "Implementing {t}",
    "{t} and performance",
)

ZH_ASPECTS = (
    "{z}的原理",
    "{z}的实现",
    "{z}与{y}的区别",
    "{z}常见问题",
    "为什么需要{z}",
    "{z}的性能",
)

EN_SENTENCES = (
    "{t} trades memory for speed: the common case costs about {n} ns instead of a full lookup.",
    "In practice {t} matters most when the working set no longer fits in the cache.",
    "A useful mental model is that {t} behaves like a small cache in front of {u}.",
    "Most bugs around {t} come from forgetting that {u} can change underneath it.",
    "Measure before tuning {t}; the default is right for roughly {p}% of workloads.",
    "{t} was introduced to avoid paying for {u} on every request.",
    "When {t} goes wrong, the symptom usually shows up much later as a problem with {u}.",
    "A quick benchmark on a laptop gave about {n} operations per millisecond with {t}.",
    "Think of {t} as an invariant that every caller has to preserve.",
    "The textbook explanation of {t} skips the part where {u} interacts with it.",
    "{t} and {u} are easy to confuse, but they solve different problems.",
    "The worst case for {t} is rare, yet it is exactly the one that shows up in production.",
    "Reading the original paper on {t} is worth it; it is only {k} pages long.",
    "With {t} the hot path stays short, and {u} only runs when something changes.",
    "Every implementation of {t} I have read keeps a counter next to the data it protects.",
    "If {u} is disabled, {t} falls back to the slow path, which is about {k} times slower.",
    "The interview answer for {t} is short; the engineering answer depends on {u}.",
    "Logging every decision {t} makes is the fastest way to understand it.",
)

ZH_SENTENCES = (
    "{z}的核心思想是用空间换时间，常见情况下只需要大约 {n} 纳秒。",
    "理解{z}之前，最好先弄清楚{y}是怎么工作的。",
    "{z}（{t}）在面试中经常被问到，但实际工程里更重要的是它的边界情况。",
    "很多关于{z}的问题，根源其实在于{y}没有处理好。",
    "在 Linux 上可以通过 /proc 查看{z}的当前状态，调试时很方便。",
    "{z}和{y}经常被混淆，它们解决的是不同的问题。",
    "用一句话概括：{z}就是在{y}前面加了一层缓存。",
    "这里的关键是不变量：每次修改之后，{z}都必须保持一致。",
    "做性能调优之前先测量，{z}的默认参数在大约 {p}% 的场景下已经足够好。",
    "注意：{t} 的行为在不同版本之间有变化，升级时要重新测试。",
    "书上对{z}的解释往往省略了它和{y}之间的交互。",
    "如果关闭了{y}，{z}会退回到慢路径，速度大约慢 {k} 倍。",
    "我第一次遇到{z}是在排查一个线上问题的时候，当时花了 {k} 个小时才定位到。",
)

CODE_SNIPPETS: dict[str, tuple[str, ...]] = {
    "c": (
        """#include <stdlib.h>

struct @NAME@ {
    size_t len;
    size_t cap;
    int *items;
};

int @NAME@_push(struct @NAME@ *v, int x)
{
    if (v->len == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : @N@;
        int *p = realloc(v->items, cap * sizeof *p);
        if (!p)
            return -1;
        v->items = p;
        v->cap = cap;
    }
    v->items[v->len++] = x;
    return 0;
}""",
        """#include <pthread.h>

static pthread_mutex_t @NAME@_lock = PTHREAD_MUTEX_INITIALIZER;
static long @NAME@_count;

void *@NAME@_worker(void *arg)
{
    for (int i = 0; i < @N@; i++) {
        pthread_mutex_lock(&@NAME@_lock);
        @NAME@_count++;
        pthread_mutex_unlock(&@NAME@_lock);
    }
    return arg;
}""",
    ),
    "python": (
        """# @NAME@: memoised recursion
from functools import lru_cache


@lru_cache(maxsize=None)
def @NAME@(n: int) -> int:
    if n < 2:
        return n
    return @NAME@(n - 1) + @NAME@(n - 2)


print(@NAME@(@N@))""",
        """import numpy as np

# fit y = w x + b by least squares
rng = np.random.default_rng(@N@)
x = rng.normal(size=100)
y = 3.0 * x + 0.5 + rng.normal(scale=0.1, size=100)
A = np.stack([x, np.ones_like(x)], axis=1)
w, b = np.linalg.lstsq(A, y, rcond=None)[0]
print(f"@NAME@: w={w:.2f} b={b:.2f}")""",
    ),
    "bash": (
        """#!/usr/bin/env bash
set -euo pipefail
# @NAME@: the @N@ largest files under the current directory
find . -type f -printf '%s %p\\n' | sort -rn | head -n @N@""",
        """# Watch @NAME@ while the benchmark runs
watch -n 1 "grep -E '^(MemFree|Cached)' /proc/meminfo"
for pid in $(pgrep -f @NAME@); do
    echo "$pid: $(grep VmRSS /proc/$pid/status)"
done""",
    ),
    "rust": (
        """use std::collections::HashMap;

fn @NAME@(text: &str) -> HashMap<&str, usize> {
    let mut counts = HashMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word).or_insert(0) += 1;
    }
    counts
}

fn main() {
    let counts = @NAME@("a b a c b a");
    assert_eq!(counts["a"], 3);
    println!("{} distinct words (limit @N@)", counts.len());
}""",
        """use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let @NAME@ = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..@N@)
        .map(|_| {
            let c = Arc::clone(&@NAME@);
            thread::spawn(move || *c.lock().unwrap() += 1)
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("{}", *@NAME@.lock().unwrap());
}""",
    ),
    "go": (
        """package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	results := make(chan int, @N@)
	for i := 0; i < @N@; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			results <- n * n
		}(i)
	}
	wg.Wait()
	close(results)
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("@NAME@", sum)
}""",
    ),
    "java": (
        """import java.util.concurrent.ConcurrentHashMap;

public final class @NAME@ {
    private final ConcurrentHashMap<String, Long> counts = new ConcurrentHashMap<>();

    /** Adds one to the counter of {@code key}; at most @N@ keys are expected. */
    public long increment(String key) {
        return counts.merge(key, 1L, Long::sum);
    }

    public static void main(String[] args) {
        var c = new @NAME@();
        for (int i = 0; i < @N@; i++) {
            c.increment(i % 2 == 0 ? "even" : "odd");
        }
        System.out.println(c.counts);
    }
}""",
    ),
    "sql": (
        """-- @NAME@: the @N@ most active users of the last week
SELECT u.id, u.name, COUNT(*) AS events
FROM users AS u
JOIN events AS e ON e.user_id = u.id
WHERE e.created_at >= NOW() - INTERVAL '7 days'
GROUP BY u.id, u.name
HAVING COUNT(*) > 1
ORDER BY events DESC
LIMIT @N@;""",
        """CREATE TABLE @NAME@ (
    id BIGINT PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    balance NUMERIC(12, 2) DEFAULT 0,
    updated_at TIMESTAMP
);
CREATE INDEX @NAME@_owner ON @NAME@ (owner_id);
BEGIN;
UPDATE @NAME@ SET balance = balance - @N@ WHERE id = 1;
UPDATE @NAME@ SET balance = balance + @N@ WHERE id = 2;
COMMIT;""",
    ),
    "cuda": (
        """#include <cuda_runtime.h>

__global__ void @NAME@(const float *a, const float *b, float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        c[i] = a[i] + b[i];
}

int main()
{
    int n = @N@ << 10;
    float *a, *b, *c;
    cudaMallocManaged(&a, n * sizeof(float));
    cudaMallocManaged(&b, n * sizeof(float));
    cudaMallocManaged(&c, n * sizeof(float));
    @NAME@<<<(n + 255) / 256, 256>>>(a, b, c, n);
    cudaDeviceSynchronize();
    cudaFree(a); cudaFree(b); cudaFree(c);
    return 0;
}""",
    ),
    "asm": (
        """; @NAME@: sum rsi quadwords at rdi (System V ABI), e.g. n = @N@
@NAME@:
    xor     eax, eax
    test    rsi, rsi
    jz      .done
.loop:
    add     rax, [rdi]
    add     rdi, 8
    dec     rsi
    jnz     .loop
.done:
    ret""",
    ),
}

CODE_LANGUAGES = (
    ("c",) * 4 + ("python",) * 4 + ("bash",) * 2 + ("java",) * 2 + ("sql",) * 2
    + ("cuda", "rust", "go", "asm")
)
"""Fenced-code languages, weighted like real study notes: C and Python most often."""

INLINE_MATH = (
    r"$O(n \log n)$",
    r"$O(1)$",
    r"$\Theta(n^2)$",
    r"$e^{i\pi} + 1 = 0$",
    r"$\sum_{i=1}^{n} i = \frac{n(n+1)}{2}$",
    r"$p(y \mid x)$",
    r"$\sigma(z) = \frac{1}{1 + e^{-z}}$",
    r"$T(n) = 2T(n/2) + O(n)$",
    r"$\lVert x \rVert_2$",
    r"$2^{10} = 1024$",
    r"$\nabla_\theta J(\theta)$",
    r"$H(p) = -\sum_x p(x) \log p(x)$",
    r"\(\lambda \lVert w \rVert^2\)",
)

DISPLAY_MATH = (
    "$$\n\\hat{y} = \\operatorname{softmax}(W x + b)\n$$",
    "$$\nP(A \\mid B) = \\frac{P(B \\mid A)\\, P(A)}{P(B)}\n$$",
    "$$\n\\mathcal{L} = -\\frac{1}{m} \\sum_{i=1}^{m} \\left[ y_i \\log \\hat{y}_i"
    " + (1 - y_i) \\log (1 - \\hat{y}_i) \\right]\n$$",
    "$$\nT_{\\text{avg}} = h \\cdot t_{\\text{hit}} + (1 - h) \\cdot t_{\\text{miss}}\n$$",
    "$$\n\\operatorname{Attention}(Q, K, V) = "
    "\\operatorname{softmax}\\left(\\frac{Q K^\\top}{\\sqrt{d_k}}\\right) V\n$$",
    "\\[\nA = U \\Sigma V^\\top\n\\]",
)

CALLOUT_KINDS = ("note", "tip", "warning", "info")

FILE_SUFFIXES = ("notes", "basics", "internals", "cheatsheet", "advanced", "faq", "examples")

IMAGE_COUNT = 12

_MONTHS_START = 2019 * 12  # monthly archives count months from January 2019


# --------------------------------------------------------------------------------------------
# Generation


def _slug(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-") or "note"


def _ident(text: str) -> str:
    return _slug(text).replace("-", "_")


@dataclass(frozen=True)
class _FilePlan:
    kind: str  # "tiny" | "topic" | "archive"
    target: int  # target size in bytes


class _Generator:
    """Holds the random source and the vault-wide state (defined terms, earlier files)."""

    def __init__(self, seed: int, images: int = IMAGE_COUNT, image_rate: float = 0.0) -> None:
        self.rng = random.Random(seed)
        self.images = images
        self.image_rate = image_rate
        """Chance of one more image in every section body (the image-heavy variant)."""
        self.next_image = 0
        self.defined_terms: list[str] = []
        self._defined_set: set[str] = set()
        self.earlier_stems: list[str] = []
        self.used_paths: set[str] = set()
        self.sections = 0
        self.month = 0

    # -- small pieces ------------------------------------------------------------------------

    def term(self, domain: str) -> Term:
        rng = self.rng
        if rng.random() < 0.85:
            return rng.choice(DOMAINS[domain])
        return rng.choice(DOMAINS[rng.choice(DOMAIN_NAMES)])

    def two_terms(self, domain: str) -> tuple[Term, Term]:
        first = self.term(domain)
        second = self.term(domain)
        if second == first:
            second = self.term(domain)
        return first, second

    def numbers(self) -> dict[str, int]:
        rng = self.rng
        return {"n": rng.randrange(2, 1000), "p": rng.randrange(50, 100), "k": rng.randrange(2, 40)}

    def en_sentence(self, domain: str) -> str:
        (_, t), (_, u) = self.two_terms(domain)
        return self.rng.choice(EN_SENTENCES).format(t=t, u=u, **self.numbers())

    def zh_sentence(self, domain: str) -> str:
        (z, t), (y, _) = self.two_terms(domain)
        return self.rng.choice(ZH_SENTENCES).format(z=z, t=t, y=y, **self.numbers())

    def extra(self, domain: str, refs: list[str]) -> str:
        """A short sentence with a link, math, a cross-reference or inline markup."""
        rng = self.rng
        zh, en = self.term(domain)
        roll = rng.random()
        if roll < 0.22:
            page = en.replace(" ", "_")
            return f"See [{en}](https://en.wikipedia.org/wiki/{page})."
        if roll < 0.32:
            label = f"ref-{len(refs) + 1}"
            refs.append(f"[{label}]: https://example.org/notes/{_slug(en)}#{len(refs) + 1}")
            return f"The details are in [the {en} write-up][{label}]."
        if roll < 0.55:
            return f"The cost is {rng.choice(INLINE_MATH)} in the usual analysis."
        if roll < 0.70 and self.defined_terms:
            return f"Related: **{rng.choice(self.defined_terms)}^**."
        if roll < 0.78 and self.earlier_stems:
            stem = rng.choice(self.earlier_stems)
            if rng.random() < 0.5:
                return f"更多细节见 [[{stem}]]。"
            return f"Compare [[{stem}|the notes on {stem.replace('-', ' ')}]]."
        if roll < 0.88:
            return f"The flag is `{_ident(en)}` and it defaults to **{rng.randrange(0, 64)}**."
        if roll < 0.94:
            return f"~~{en} is always faster.~~ It depends on the workload, see *{zh}*."
        return f"A GPU hour costs between ${rng.randrange(1, 5)} and ${rng.randrange(6, 20)}."

    def paragraph(self, domain: str, refs: list[str]) -> str:
        rng = self.rng
        count = rng.randint(2, 5)
        roll = rng.random()
        if roll < 0.55:
            parts = [self.en_sentence(domain) for _ in range(count)]
            sep = " "
        elif roll < 0.85:
            parts = [self.zh_sentence(domain) for _ in range(count)]
            sep = ""
        else:
            parts = [
                self.en_sentence(domain) if i % 2 else self.zh_sentence(domain)
                for i in range(count)
            ]
            sep = " "
        if rng.random() < 0.45:
            parts.insert(rng.randrange(len(parts) + 1), self.extra(domain, refs))
        return sep.join(parts)

    def bullet_list(self, domain: str, refs: list[str]) -> str:
        rng = self.rng
        ordered = rng.random() < 0.25
        items = []
        for i in range(rng.randint(3, 6)):
            zh, en = self.term(domain)
            text = self.en_sentence(domain) if rng.random() < 0.6 else self.zh_sentence(domain)
            if rng.random() < 0.15:
                text += " " + self.extra(domain, refs)
            marker = f"{i + 1}." if ordered else "-"
            label = en if rng.random() < 0.7 else zh
            items.append(f"{marker} **{label}**: {text}")
        return "\n".join(items)

    def code_block(self, domain: str) -> str:
        rng = self.rng
        lang = rng.choice(CODE_LANGUAGES)
        body = rng.choice(CODE_SNIPPETS[lang])
        name = _ident(self.term(domain)[1])
        body = body.replace("@NAME@", name).replace("@N@", str(rng.randrange(2, 500)))
        fence = "nasm" if lang == "asm" and rng.random() < 0.3 else lang
        return f"```{fence}\n{body}\n```"

    def table(self, domain: str) -> str:
        rng = self.rng
        rows = ["| English | 中文 | Cost | Notes |", "|---------|------|------|-------|"]
        for _ in range(rng.randint(3, 7)):
            zh, en = self.term(domain)
            cost = rng.choice(("$O(1)$", "$O(\\log n)$", "$O(n)$", f"{rng.randrange(1, 900)} ns"))
            rows.append(f"| {en} | {zh} | {cost} | `{_ident(en)}` |")
        return "\n".join(rows)

    def image(self, rel_img: str) -> str:
        rng = self.rng
        if self.image_rate:  # every image once before any twice: all of them are shown
            index, self.next_image = self.next_image % self.images, self.next_image + 1
        else:
            index = rng.randrange(self.images)
        name = f"figure-{index:02d}.png"
        roll = rng.random()
        if roll < 0.6:
            return f"![diagram]({rel_img}/{name})"
        if roll < 0.8:
            return f"![[{name}]]"
        if roll < 0.9:
            return f"![[{name}|{rng.choice((300, 400, 600))}]]"
        return f'<img src="{rel_img}/{name}" width="480" alt="diagram">'

    def callout(self, domain: str) -> str:
        kind = self.rng.choice(CALLOUT_KINDS)
        en = self.term(domain)[1]
        return f"> [!{kind}] {en}\n> {self.en_sentence(domain)}\n> {self.zh_sentence(domain)}"

    def body(self, domain: str, refs: list[str], rel_img: str) -> list[str]:
        """One section body as a list of blocks."""
        rng = self.rng
        blocks = [self.paragraph(domain, refs)]
        for _ in range(rng.choice((0, 1, 1, 1, 2, 2, 3))):
            roll = rng.random()
            if roll < 0.38:
                blocks.append(self.paragraph(domain, refs))
            elif roll < 0.60:
                blocks.append(self.bullet_list(domain, refs))
            elif roll < 0.80:
                blocks.append(self.code_block(domain))
            elif roll < 0.87:
                blocks.append(self.table(domain))
            elif roll < 0.92:
                blocks.append(rng.choice(DISPLAY_MATH))
            elif roll < 0.96:
                blocks.append(self.image(rel_img))
            else:
                blocks.append(self.callout(domain))
        if self.image_rate and rng.random() < self.image_rate:
            blocks.append(self.image(rel_img))
        if rng.random() < 0.03:
            comment = f"<!-- todo: revisit this (#{rng.randrange(1000)}) -->"
            blocks.insert(rng.randrange(len(blocks) + 1), comment)
        return blocks

    def heading_text(self, domain: str, level: int) -> str:
        rng = self.rng
        zh, en = self.term(domain)
        roll = rng.random()
        if level >= 3 and roll < 0.12:
            return rng.choice(GENERIC_HEADINGS)
        roll = rng.random()
        if roll < 0.24:
            text = f"{zh} / {en}"
        elif roll < 0.36:
            text = f"{zh}（{en}）"
        elif roll < 0.41:
            text = f"{zh} ({en})"
        elif roll < 0.47:
            text = " / ".join(rng.choice(ALIASES))
        elif roll < 0.70:
            u = self.term(domain)[1]
            text = rng.choice(EN_ASPECTS).format(t=en, u=u)
        elif roll < 0.79:
            y = self.term(domain)[0]
            text = rng.choice(ZH_ASPECTS).format(z=zh, y=y)
        elif roll < 0.90:
            # A bare term, never numbered: the target of Term^ cross-references.
            if en not in self._defined_set:
                self._defined_set.add(en)
                self.defined_terms.append(en)
            return en
        elif roll < 0.94:
            zh2, en2 = self.term(domain)
            text = f"{zh} / {en} / {zh2} / {en2}"
        else:
            zh2, en2 = self.term(domain)
            text = f"What is {en} / {en2} ({zh} / {zh2})"
        if rng.random() < 0.06:
            text = f"{rng.randint(1, 9)}.{rng.randint(1, 9)} {text}"
        return text

    # -- files -------------------------------------------------------------------------------

    def frontmatter(self, title: str, domain: str, archive_month: str | None = None) -> str:
        rng = self.rng
        zh, en = self.term(domain)
        tags = [_slug(en)]
        if rng.random() < 0.5:
            tags.append(zh)
        if rng.random() < 0.2:
            tags.append(rng.choice(("study notes", "to review", "读书笔记")))
        if archive_month:
            tags.append("archive")
        categories = [domain] + ([DOMAINS[domain][0][0]] if rng.random() < 0.3 else [])
        lines = ["---", "layout: post", f"title: {json.dumps(title, ensure_ascii=False)}"]
        if archive_month:
            lines.append(f"date: {archive_month}-01")
        elif rng.random() < 0.5:
            lines.append(
                f"date: {2018 + rng.randrange(7)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
        if rng.random() < 0.15:
            lines.append(f"categories: {categories[0]}")
        else:
            lines.append(f"categories: [{', '.join(categories)}]")
        if rng.random() < 0.7:
            lines.append(f"tags: [{', '.join(tags)}]")
        else:
            lines.append("tags:")
            lines.extend(f"  - {tag}" for tag in tags)
        lines.append("---")
        return "\n".join(lines)

    def unique_path(self, folder: str, stem: str, ext: str) -> str:
        """``folder/stem.ext``, or with a suffix like a real second note on the same topic."""
        prefix = f"{folder}/" if folder else ""
        candidates = [stem] + [f"{stem}-{suffix}" for suffix in FILE_SUFFIXES]
        for name in candidates:
            candidate = f"{prefix}{name}{ext}"
            if candidate not in self.used_paths:
                break
        n = 2
        while candidate in self.used_paths:
            candidate = f"{prefix}{stem}-part-{n}{ext}"
            n += 1
        self.used_paths.add(candidate)
        return candidate

    def topic_file(self, plan: _FilePlan) -> tuple[str, str]:
        rng = self.rng
        domain = rng.choice(DOMAIN_NAMES)
        zh, en = rng.choice(DOMAINS[domain])
        roll = rng.random()
        folder = "" if roll < 0.1 else domain
        if folder and rng.random() < 0.25:
            folder += f"/{2019 + rng.randrange(6)}"
        stem = _slug(en)
        if rng.random() < 0.3:
            date = f"{2018 + rng.randrange(7)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            stem = f"{date}-{stem}"
        ext = ".markdown" if rng.random() < 0.05 else ".md"
        path = self.unique_path(folder, stem, ext)
        title_roll = rng.random()
        title = en if title_roll < 0.6 else zh if title_roll < 0.85 else f"{zh} / {en}"
        rel_img = os.path.relpath("img", os.path.dirname(path) or ".").replace(os.sep, "/")

        out: list[str] = [self.frontmatter(title, domain)]
        size = len(out[0].encode())
        refs: list[str] = []
        if rng.random() < 0.2:
            out.append(self.paragraph(domain, refs))  # preamble before the first heading
        seen_h2: list[str] = []

        def emit(level: int, text: str, blocks: Sequence[str]) -> None:
            nonlocal size
            if level <= 2 and rng.random() < 0.02:
                underline = ("=" if level == 1 else "-") * max(3, len(text))
                chunk = f"{text}\n{underline}"
            else:
                chunk = f"{'#' * level} {text}"
            self.sections += 1
            pieces = [chunk, *blocks]
            out.extend(pieces)
            size += sum(len(p.encode()) for p in pieces) + 2 * len(pieces)

        if rng.random() < 0.4:
            emit(1, title, self.body(domain, refs, rel_img))
        limit = plan.target
        while size < limit:
            if seen_h2 and rng.random() < 0.03:
                h2 = rng.choice(seen_h2)  # a duplicate heading path within the file
            else:
                h2 = self.heading_text(domain, 2)
            seen_h2.append(h2)
            children = rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
            parent_only = children > 0 and rng.random() < 0.25
            emit(2, h2, [] if parent_only else self.body(domain, refs, rel_img))
            for _ in range(children):
                if size >= limit and not parent_only:
                    break
                h3_parent_only = rng.random() < 0.08
                emit(
                    3,
                    self.heading_text(domain, 3),
                    [] if h3_parent_only else self.body(domain, refs, rel_img),
                )
                if h3_parent_only or rng.random() < 0.1:
                    for _ in range(rng.randint(1, 2)):
                        emit(4, self.heading_text(domain, 4), self.body(domain, refs, rel_img))
                parent_only = False
        if refs:
            out.append("\n".join(refs))
        self.earlier_stems.append(Path(path).stem)
        return path, "\n\n".join(out) + "\n"

    def tiny_file(self, plan: _FilePlan) -> tuple[str, str]:
        rng = self.rng
        domain = rng.choice(DOMAIN_NAMES)
        zh, en = rng.choice(DOMAINS[domain])
        path = self.unique_path(domain, _slug(en), ".md")
        title = en if rng.random() < 0.6 else zh
        out = [self.frontmatter(title, domain)]
        refs: list[str] = []
        size = len(out[0].encode())
        while True:
            text = self.heading_text(domain, 2)
            self.sections += 1
            paragraph = self.paragraph(domain, refs)
            out += [f"## {text}", paragraph]
            size += len(text.encode()) + len(paragraph.encode()) + 8
            if size >= plan.target:
                break
        if refs:
            out.append("\n".join(refs))
        self.earlier_stems.append(Path(path).stem)
        return path, "\n\n".join(out) + "\n"

    def archive_file(self, plan: _FilePlan) -> tuple[str, str]:
        rng = self.rng
        month = _MONTHS_START + self.month
        self.month += 1
        year, mon = divmod(month, 12)
        stamp = f"{year}-{mon + 1:02d}"
        path = self.unique_path("archive", stamp, ".md")
        domain = rng.choice(DOMAIN_NAMES)
        title = f"{year} 年 {mon + 1} 月笔记" if rng.random() < 0.5 else f"Notes {stamp}"
        out = [self.frontmatter(title, domain, archive_month=stamp)]
        refs: list[str] = []
        size = len(out[0].encode())
        day = 1
        previous_day = ""
        while size < plan.target:
            if previous_day and rng.random() < 0.08:
                day_heading = previous_day  # the same day twice: duplicate heading paths
            else:
                day_heading = f"{stamp}-{day:02d}"
                day = day % 28 + 1 if rng.random() < 0.5 else min(28, day + 1)
            previous_day = day_heading
            self.sections += 1
            out.append(f"## {day_heading}")
            if rng.random() < 0.4:
                out.append(self.paragraph(domain, refs))
            for _ in range(rng.randint(1, 4)):
                domain = rng.choice(DOMAIN_NAMES) if rng.random() < 0.3 else domain
                text = self.heading_text(domain, 3)
                self.sections += 1
                blocks = self.body(domain, refs, "../img")
                out.append(f"### {text}")
                out.extend(blocks)
                size += len(text.encode()) + sum(len(b.encode()) + 2 for b in blocks)
            size += len(day_heading) + 5
        if refs:
            out.append("\n".join(refs))
        self.earlier_stems.append(Path(path).stem)
        return path, "\n\n".join(out) + "\n"


def _plans(files: int, rng: random.Random) -> list[_FilePlan]:
    """File kinds in fixed proportions (so totals scale linearly), in a shuffled order."""
    archives = round(files * 0.025)
    tiny = round(files * 0.15)
    plans = [_FilePlan("archive", rng.randint(60_000, 100_000)) for _ in range(archives)]
    plans += [_FilePlan("tiny", rng.randint(300, 2_000)) for _ in range(tiny)]
    for _ in range(files - archives - tiny):
        target = int(rng.lognormvariate(9.07, 0.65))
        plans.append(_FilePlan("topic", min(45_000, max(2_500, target))))
    rng.shuffle(plans)
    return plans


def photo_png(size: int, seed: int) -> bytes:
    """A PNG of about ``size`` bytes of noise: as incompressible as a real photo or
    screenshot, which deflating again saves nothing."""
    width = 256
    stride = 3 * width + 1
    height = max(1, size // stride)
    rows = bytearray(random.Random(seed).randbytes(stride * height))
    rows[::stride] = bytes(height)  # filter type of every row: none

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 0))
        + chunk(b"IEND", b"")
    )


IMAGE_HEAVY = (800, 940, 255_000)
"""Files, images and bytes per image of the image-heavy variant."""

SECTIONS_PER_FILE = 15
"""About how many sections a generated file has (3,667 in 240 files)."""


def make_vault(
    out_dir: Path,
    files: int = 240,
    seed: int = 0,
    images: int = IMAGE_COUNT,
    image_bytes: int = 0,
) -> VaultStats:
    """Write a synthetic vault of ``files`` Markdown files (plus ``img/``) into ``out_dir``.

    By default ``img/`` holds 12 small diagrams that a few sections show. With
    ``image_bytes``, it holds ``images`` incompressible images of that size instead, and
    sections show them often enough that every one is used (an Obsidian vault full of
    screenshots: 800 files and 940 images of 255 KB are a real 240 MB vault's shape).

    ``out_dir`` must not exist or be empty. The same arguments give the same bytes.
    """
    if files < 0 or images < 1:
        raise ValueError("files must be >= 0 and images >= 1")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty")
    image_rate = min(1.0, 1.3 * images / max(1, SECTIONS_PER_FILE * files)) if image_bytes else 0
    gen = _Generator(seed, images, image_rate)
    img_dir = out_dir / "img"
    img_dir.mkdir(parents=True, exist_ok=True)
    for i in range(images):
        data = photo_png(image_bytes, seed * 100_003 + i) if image_bytes else png_bytes(
            48, 32, _pattern(i)
        )
        (img_dir / f"figure-{i:02d}.png").write_bytes(data)

    total = 0
    made_dirs: set[Path] = set()
    builders = {"archive": gen.archive_file, "tiny": gen.tiny_file, "topic": gen.topic_file}
    for plan in _plans(files, gen.rng):
        rel, text = builders[plan.kind](plan)
        target = out_dir / rel
        if target.parent not in made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            made_dirs.add(target.parent)
        data = text.encode("utf-8")
        target.write_bytes(data)
        total += len(data)
    return VaultStats(files=files, sections=gen.sections, bytes=total)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Generate a synthetic Markdown notes vault for benchmarks.",
        epilog="example: python benchmarks/make_vault.py /tmp/vault --files 240 --scale 10",
    )
    parser.add_argument("out_dir", type=Path, help="output folder (must not exist or be empty)")
    parser.add_argument("--files", type=int, default=240, help="number of Markdown files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply --files by this factor (e.g. 10 for a vault ten times the reference)",
    )
    parser.add_argument("--images", type=int, default=IMAGE_COUNT,
                        help=f"number of images in img/ (default {IMAGE_COUNT})")
    parser.add_argument("--image-kb", type=int, default=0,
                        help="make every image an incompressible one of this many KB")
    parser.add_argument("--image-heavy", action="store_true",
                        help="a real screenshot-heavy vault's shape: 800 files, 940 images of "
                        "255 KB (240 MB); overrides --files, --images and --image-kb")
    args = parser.parse_args(argv)
    files = round(args.files * args.scale)
    images, image_bytes = args.images, args.image_kb * 1000
    if args.image_heavy:
        files, images, image_bytes = IMAGE_HEAVY
    try:
        stats = make_vault(
            args.out_dir, files=files, seed=args.seed, images=images, image_bytes=image_bytes
        )
    except (FileExistsError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.out_dir}: {stats.files} files, {stats.sections} sections, "
        f"{stats.bytes} bytes ({stats.bytes / 1e6:.2f} MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
