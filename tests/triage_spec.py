"""The symptom checker's question table as the specification states it.

Tests compare the product with this, not with the product's own data.
"""

EMERGENCY_QUESTIONS = [
    "saddle_numbness",
    "bladder_bowel_change",
    "sexual_dysfunction",
    "both_legs",
    "chest_pain",
    "major_trauma",
    "tearing_pain",
    "cauda_equina",
]
URGENT_QUESTIONS = [
    "leg_weakness",
    "fever",
    "infection_risk",
    "weight_loss",
    "cancer_history",
    "fracture_risk",
    "serious_accident",
    "back_deformity",
    "night_pain",
    "upper_back",
    "cough_sneeze_pain",
]
GP_QUESTIONS = ["stops_daily_life", "recurrent", "worried"]
RED_FLAGS = EMERGENCY_QUESTIONS + URGENT_QUESTIONS
