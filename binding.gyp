# The native CPU backend. Per-ISA GEMM kernels live in their own static libraries so that only
# they are compiled with AVX2/AVX-512 flags; the rest is baseline code that runs on any CPU, and
# the addon picks a kernel family at load time. Never -march=native: the build must be portable.
{
  'variables': {
    'dn_cflags': ['-O3', '-fno-math-errno', '-fno-trapping-math', '-fPIC', '-Wno-unused-function', '-Wno-maybe-uninitialized'],
  },
  'targets': [
    {
      'target_name': 'dendrite_native',
      'sources': [
        'native/addon.cc',
        'native/bind_math.cc',
        'native/bind_nn.cc',
        'native/pool.cc',
        'native/gemm.cc',
        'native/gemm_generic.cc',
        'native/vmath_generic.cc',
        'native/elementwise.cc',
        'native/binary.cc',
        'native/reduce.cc',
        'native/softmax.cc',
        'native/embedding.cc',
        'native/conv.cc',
        'native/conv_direct.cc',
        'native/depthwise.cc',
        'native/pooling.cc',
        'native/optim.cc',
        'native/recurrent.cc',
        'native/recurrent_seq.cc',
        'native/bind_rnn.cc',
      ],
      'cflags': ['<@(dn_cflags)'],
      'cflags_cc': ['<@(dn_cflags)'],
      'xcode_settings': { 'OTHER_CFLAGS': ['<@(dn_cflags)'], 'OTHER_CPLUSPLUSFLAGS': ['<@(dn_cflags)'] },
      'conditions': [
        ['target_arch=="x64"', { 'dependencies': ['dendrite_avx512', 'dendrite_avx2'] }],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'dendrite_avx512',
          'type': 'static_library',
          'sources': ['native/gemm_avx512.cc', 'native/vmath_avx512.cc', 'native/conv_direct_avx512.cc'],
          'cflags_cc': ['<@(dn_cflags)', '-mavx512f', '-mavx512bw', '-mavx512vl', '-mavx512dq', '-mfma'],
          'xcode_settings': { 'OTHER_CPLUSPLUSFLAGS': ['<@(dn_cflags)', '-mavx512f', '-mavx512bw', '-mavx512vl', '-mavx512dq', '-mfma'] },
        },
        {
          'target_name': 'dendrite_avx2',
          'type': 'static_library',
          'sources': ['native/gemm_avx2.cc', 'native/vmath_avx2.cc', 'native/conv_direct_avx2.cc'],
          'cflags_cc': ['<@(dn_cflags)', '-mavx2', '-mfma'],
          'xcode_settings': { 'OTHER_CPLUSPLUSFLAGS': ['<@(dn_cflags)', '-mavx2', '-mfma'] },
        },
      ],
    }],
  ],
}
