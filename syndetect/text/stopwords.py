"""Arabic function words, in normalized form (alef, yeh and teh marbuta folded), as data.

They are left out of the order-free (bag of words) channel, where they would make any two Arabic
passages look alike; the ordered n-gram channel keeps them.
"""

STOPWORDS = frozenset(
    """
    في من الي علي عن مع ان او ثم بل لا ما لم لن قد كان كانت يكون تكون هو هي هم هن انا نحن انت
    انتم هذا هذه ذلك تلك هولاء الذي التي الذين اللذين اللتين اللواتي كل بعض غير بين حتي اذا اذ
    لكن لكنه منذ عند عليه عليها اليه اليها فيه فيها منه منها عنه عنها به بها له لها لهم كما و ف ب
    ل ك قال وقال وقد وكان وفي ومن وان او اي ايضا فقط حيث بعد قبل خلال ضد نحو لدي لدي امام وراء
    فوق تحت دون سوي الا اما ولا وما ولم وهو وهي وهذا وهذه وذلك كذلك التي الى على هناك هنا
    """.split()
)
